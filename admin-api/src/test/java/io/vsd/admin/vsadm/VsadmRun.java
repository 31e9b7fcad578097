package io.vsd.admin.vsadm;

import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.Map;

/** One run of vsadm in-process: its exit code and everything it printed. */
record VsadmRun(int exitCode, String out, String err) {

    /** A director address where nothing listens, for runs that must fail before they connect. */
    static final Map<String, String> NO_DIRECTOR = Map.of(DirectorUrl.ENV, "http://127.0.0.1:1");

    static VsadmRun run(Map<String, String> env, String... args) {
        return run(env, new FakeResolver(), args);
    }

    static VsadmRun run(Map<String, String> env, Resolver resolver, String... args) {
        return runWithInput(env, resolver, "", args);
    }

    /** A run with {@code stdin} as its standard input (for -R). */
    static VsadmRun runWithInput(Map<String, String> env, Resolver resolver, String stdin, String... args) {
        var out = new ByteArrayOutputStream();
        var err = new ByteArrayOutputStream();
        int code = Vsadm.run(args, new java.io.ByteArrayInputStream(stdin.getBytes(StandardCharsets.UTF_8)), new PrintStream(out, true, StandardCharsets.UTF_8),
                new PrintStream(err, true, StandardCharsets.UTF_8), env, resolver, Duration.ofSeconds(1));
        return new VsadmRun(code, out.toString(StandardCharsets.UTF_8), err.toString(StandardCharsets.UTF_8));
    }
}
