package io.vsd.admin.vsadm;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStream;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;

/**
 * {@code vsadm -R}'s input: one ipvsadm command line per line (a leading word {@code ipvsadm} allowed; blank
 * lines and {@code #} comments ignored). Every line is parsed before anything is sent, so that a bad line
 * changes nothing; the changes then go to the director as one batch, applied all or none.
 */
final class RestoreFile {
    private RestoreFile() {
    }

    /** One change, with the line it came from (the director names it when it refuses the change). */
    record Line(int number, Command.ForDirector command) {
    }

    static List<Line> read(InputStream in, CommandLine parser) throws VsadmException {
        List<Line> lines = new ArrayList<>();
        BufferedReader reader = new BufferedReader(new InputStreamReader(in, StandardCharsets.UTF_8));
        int number = 0;
        try {
            for (String text = reader.readLine(); text != null; text = reader.readLine()) {
                number++;
                Command.ForDirector command = parse(text, number, parser);
                if (command != null) {
                    lines.add(new Line(number, command));
                }
            }
        } catch (IOException e) {
            throw VsadmException.usage("cannot read the rules on stdin: %s", e.getMessage());
        }
        return lines;
    }

    /** The change one line asks for, or null for a blank line or a comment. */
    static Command.ForDirector parse(String text, int number, CommandLine parser) throws VsadmException {
        String trimmed = text.strip();
        if (trimmed.isEmpty() || trimmed.startsWith("#")) {
            return null;
        }
        List<String> words = new ArrayList<>(Arrays.asList(trimmed.split("\\s+")));
        if (words.getFirst().equals("ipvsadm") || words.getFirst().endsWith("/ipvsadm")) {
            words.removeFirst();
        }
        CommandLine.Invocation invocation;
        try {
            if (words.isEmpty()) {
                throw VsadmException.usage("no command specified");
            }
            invocation = parser.parse(words);
        } catch (VsadmException e) {
            throw VsadmException.usage("line %d: %s", number, e.getMessage());
        }
        if (invocation.server() != null) {
            throw VsadmException.usage("line %d: --server is not allowed in a restore", number);
        }
        if (invocation.tokenFile() != null) {
            throw VsadmException.usage("line %d: --token-file is not allowed in a restore", number);
        }
        return switch (invocation.command()) {
            case Command.AddService c -> c;
            case Command.EditService c -> c;
            case Command.DeleteService c -> c;
            case Command.Clear c -> c;
            case Command.AddServer c -> c;
            case Command.EditServer c -> c;
            case Command.DeleteServer c -> c;
            case Command.SetTimeouts c -> c;
            default -> throw VsadmException.usage("line %d: only changes (-A -E -D -C -a -e -d --set) can be restored: %s",
                    number, trimmed);
        };
    }
}
