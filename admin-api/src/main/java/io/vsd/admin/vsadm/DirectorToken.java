package io.vsd.admin.vsadm;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.AccessDeniedException;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.util.Map;

/**
 * The admin API's bearer token (docs/vsadm.md): {@code --token-file FILE}, else {@code $VSD_TOKEN}, else
 * {@code $VSD_TOKEN_FILE}, else the token a standalone director generated in its default state dir
 * ({@code $HOME/.local/state/vsd/admin.token}), so that vsadm works on the director's host as ipvsadm does.
 *
 * @param value  the token; null when there is none (the director then answers 401, and vsadm says where to put one)
 * @param source where it came from, for messages: never the token itself
 */
record DirectorToken(String value, String source) {
    static final String ENV = "VSD_TOKEN";
    static final String ENV_FILE = "VSD_TOKEN_FILE";
    /** Where bin/vsd writes the token it generates when none is configured (director's AuthSettings.TOKEN_FILE). */
    static final String DEFAULT_FILE = ".local/state/vsd/admin.token";

    static final DirectorToken NONE = new DirectorToken(null, null);

    static DirectorToken choose(String optionFile, Map<String, String> env) throws VsadmException {
        if (optionFile != null) {
            return read(Path.of(optionFile), "--token-file");
        }
        String value = env.get(ENV);
        if (value != null && !value.isBlank()) {
            return new DirectorToken(value.strip(), "$" + ENV);
        }
        String file = env.get(ENV_FILE);
        if (file != null && !file.isBlank()) {
            return read(Path.of(file), "$" + ENV_FILE);
        }
        String home = env.get("HOME");
        if (home != null && !home.isBlank()) {
            Path dflt = Path.of(home).resolve(DEFAULT_FILE);
            if (Files.isRegularFile(dflt)) {
                return read(dflt, "the default token file");
            }
        }
        return NONE;
    }

    private static DirectorToken read(Path file, String from) throws VsadmException {
        String token;
        try {
            token = Files.readString(file, StandardCharsets.UTF_8).strip();
        } catch (NoSuchFileException e) {
            throw VsadmException.usage("%s: no such file: %s", from, file);
        } catch (AccessDeniedException e) {
            throw VsadmException.usage("%s: permission denied: %s", from, file);
        } catch (IOException e) {
            throw VsadmException.usage("%s: cannot read %s: %s", from, file, e.getMessage());
        }
        if (token.isEmpty() || token.chars().anyMatch(c -> c <= ' ' || c > '~')) {
            throw VsadmException.usage("%s: %s holds no token (one line of printable characters)", from, file);
        }
        return new DirectorToken(token, file.toString());
    }

    /** A header value, or null to send none. */
    String header() {
        return value == null ? null : "Bearer " + value;
    }

    /** Why a 401 came back, in a line that says what to do. */
    String refused(String detail) {
        if (value == null) {
            return "the director needs a token: set $" + ENV + " or $" + ENV_FILE + ", or give --token-file FILE"
                    + " (a standalone director writes one to its state dir, e.g. ~/" + DEFAULT_FILE + ")";
        }
        return "the director refused the token from " + source + ": " + detail;
    }
}
