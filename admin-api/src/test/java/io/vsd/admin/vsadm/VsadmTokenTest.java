package io.vsd.admin.vsadm;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Where vsadm takes the admin API's token from, and how it reports a refusal (docs/vsadm.md). */
class VsadmTokenTest {
    private static final String INFO = """
            {"name": "vsd", "version": "0.1.0", "directorId": "d1", "connectionTableSize": 4096}""";

    @TempDir
    Path tmp;
    private FakeDirector director;

    @BeforeEach
    void start() throws IOException {
        director = new FakeDirector();
        director.answer("GET", "/api/v1/info", 200, INFO)
                .answer("GET", "/api/v1/services", 200, "{\"version\": 1, \"services\": []}");
    }

    @AfterEach
    void stop() {
        director.close();
    }

    private Map<String, String> env(String... pairs) {
        Map<String, String> env = new HashMap<>(Map.of(DirectorUrl.ENV, director.url()));
        for (int i = 0; i < pairs.length; i += 2) {
            env.put(pairs[i], pairs[i + 1]);
        }
        return env;
    }

    private String sentToken(Map<String, String> env, String... args) {
        VsadmRun run = VsadmRun.run(env, args.length == 0 ? new String[] {"-L", "-n"} : args);
        assertEquals(0, run.exitCode(), run.err());
        List<String> sent = director.authorizations();
        return sent.get(sent.size() - 1);
    }

    @Test
    void fromTheEnvironment() {
        assertEquals("Bearer env-token-0123456789", sentToken(env("VSD_TOKEN", "env-token-0123456789")));
    }

    @Test
    void fromAFileNamedOnTheCommandLineOrInTheEnvironment() throws IOException {
        Path option = Files.writeString(tmp.resolve("option.token"), "option-token-0123456789\n");
        Path fromEnv = Files.writeString(tmp.resolve("env.token"), "  env-file-token-0123456789  \n");
        // The command line wins over the environment.
        assertEquals("Bearer option-token-0123456789", sentToken(env("VSD_TOKEN", "env-token-0123456789"),
                "--token-file", option.toString(), "-L", "-n"));
        assertEquals("Bearer env-file-token-0123456789", sentToken(env("VSD_TOKEN_FILE", fromEnv.toString())));
        // $VSD_TOKEN wins over $VSD_TOKEN_FILE.
        assertEquals("Bearer env-token-0123456789", sentToken(env("VSD_TOKEN", "env-token-0123456789",
                "VSD_TOKEN_FILE", fromEnv.toString())));
    }

    @Test
    void fromTheFileAStandaloneDirectorGeneratesInItsDefaultStateDir() throws IOException {
        Path file = tmp.resolve(".local/state/vsd/admin.token");
        Files.createDirectories(file.getParent());
        Files.writeString(file, "generated-token-0123456789abcdef\n");
        assertEquals("Bearer generated-token-0123456789abcdef", sentToken(env("HOME", tmp.toString())));
    }

    @Test
    void withoutATokenTheDirectorsRefusalIsOneLineThatSaysWhereToPutOne() {
        director.problem("GET", "/api/v1/info", 401, "urn:vsd:problem:unauthorized", "Unauthorized",
                "this API needs a token");
        VsadmRun run = VsadmRun.run(env("HOME", tmp.toString()), "-L", "-n");
        assertEquals(new VsadmRun(1, "", "vsadm: the director needs a token: set $VSD_TOKEN or $VSD_TOKEN_FILE, or give "
                + "--token-file FILE (a standalone director writes one to its state dir, e.g. "
                + "~/.local/state/vsd/admin.token)\n"), run);
        assertEquals(List.of(""), director.authorizations());
    }

    @Test
    void aRefusedOrReadOnlyTokenIsOneLine() {
        director.problem("GET", "/api/v1/info", 401, "urn:vsd:problem:unauthorized", "Unauthorized",
                "the token is not valid on this director");
        assertEquals(new VsadmRun(1, "", "vsadm: the director refused the token from $VSD_TOKEN: the token is not valid "
                + "on this director\n"), VsadmRun.run(env("VSD_TOKEN", "wrong-token-0123456789"), "-L"));
        director.problem("POST", "/api/v1/services", 403, "urn:vsd:problem:forbidden", "Forbidden",
                "a read-only token cannot change anything: POST /api/v1/services needs an admin token");
        assertEquals(new VsadmRun(1, "", "vsadm: permission denied: a read-only token cannot change anything: "
                + "POST /api/v1/services needs an admin token\n"),
                VsadmRun.run(env("VSD_TOKEN", "reader-token-0123456789"), "-A", "-t", "10.0.0.1:80"));
    }

    @Test
    void aTokenFileThatCannotBeReadIsABadCommandLine() throws IOException {
        assertEquals(new VsadmRun(2, "", "vsadm: --token-file: no such file: " + tmp.resolve("none") + "\n"),
                VsadmRun.run(env(), "--token-file", tmp.resolve("none").toString(), "-L"));
        Path empty = Files.writeString(tmp.resolve("empty"), "\n");
        assertEquals(new VsadmRun(2, "", "vsadm: $VSD_TOKEN_FILE: " + empty + " holds no token (one line of printable "
                + "characters)\n"), VsadmRun.run(env("VSD_TOKEN_FILE", empty.toString()), "-L"));
        assertEquals(List.of(), director.requests());
    }
}
