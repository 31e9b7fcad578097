package io.vsd.director;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.vsd.director.config.AuthSettings;
import java.io.BufferedReader;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/**
 * bin/vsd's token handling and vsadm's, as real processes: the token a director generates when none is
 * configured (created once, 0600, reused, its path printed), and vsadm with $VSD_TOKEN, a token file, the
 * generated file, and no token at all.
 */
@Timeout(value = 120, unit = TimeUnit.SECONDS)
class TokenProcessTest {
  @TempDir
  Path tmp;
  final List<Process> processes = new ArrayList<>();

  @AfterEach
  void stop() throws Exception {
    for (Process p : processes) {
      p.destroy();
      p.waitFor(20, TimeUnit.SECONDS);
    }
  }

  record Started(Process process, List<String> lines) {}

  /** bin/vsd's main class with {@code env} (and none of the test JVM's tokens), up to its last start-up line. */
  Started director(Path config, int adminPort, Map<String, String> env) throws Exception {
    ProcessBuilder pb = new ProcessBuilder(DirectorProcessTest.java("io.vsd.director.Main", "--config", config.toString(),
        "--admin", "127.0.0.1:" + adminPort)).redirectErrorStream(true);
    pb.environment().remove(AuthSettings.ENV_ADMIN);
    pb.environment().remove(AuthSettings.ENV_READ_ONLY);
    pb.environment().putAll(env);
    Process p = pb.start();
    processes.add(p);
    BufferedReader out = new BufferedReader(new InputStreamReader(p.getInputStream(), StandardCharsets.UTF_8));
    List<String> lines = new ArrayList<>();
    long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(60);
    while (System.nanoTime() < deadline) {
      String line = out.readLine();
      if (line == null) {
        break;
      }
      lines.add(line);
      if (line.startsWith("vsd: admin token") || line.startsWith("vsd: admin API tokens")) {
        Thread.ofVirtual().start(() -> out.lines().forEach(l -> { }));
        return new Started(p, lines);
      }
    }
    throw new AssertionError("the director did not start: " + lines);
  }

  void stop(Process p) throws Exception {
    p.destroy();
    assertTrue(p.waitFor(30, TimeUnit.SECONDS));
    processes.remove(p);
  }

  /** vsadm as a process with exactly {@code env} for its token (HOME included), and none of the test JVM's. */
  static DirectorProcessTest.Result vsadm(int adminPort, Map<String, String> env, String... args) throws Exception {
    List<String> a = new ArrayList<>(List.of("--server", "http://127.0.0.1:" + adminPort));
    a.addAll(List.of(args));
    ProcessBuilder pb = new ProcessBuilder(DirectorProcessTest.java("io.vsd.admin.vsadm.Vsadm", a.toArray(String[]::new)));
    pb.environment().keySet().removeIf(k -> k.startsWith("VSD_") || k.equals("HOME"));
    pb.environment().putAll(env);
    Process p = pb.start();
    p.getOutputStream().close();
    var out = p.getInputStream().readAllBytes();
    var err = p.getErrorStream().readAllBytes();
    assertTrue(p.waitFor(60, TimeUnit.SECONDS));
    return new DirectorProcessTest.Result(p.exitValue(), new String(out, StandardCharsets.UTF_8),
        new String(err, StandardCharsets.UTF_8));
  }

  Path config(Path stateDir) throws Exception {
    return Files.writeString(tmp.resolve("vsd.yaml"), """
        director:
          id: tokens
          state-dir: %s
          drain-timeout: 1s
        services:
          - {address: 127.0.0.1:%d, servers: [{address: 127.0.0.1:1}]}
        """.formatted(stateDir, RunningDirector.freePort()));
  }

  @Test
  void withoutATokenConfiguredTheFirstStartGeneratesOneThatLaterStartsReuseAndVsadmReads() throws Exception {
    Path home = Files.createDirectories(tmp.resolve("home"));
    Path stateDir = home.resolve(".local/state/vsd");
    Path file = stateDir.resolve("admin.token");
    Path config = config(stateDir);
    int port = RunningDirector.freePort();

    Started first = director(config, port, Map.of());
    assertTrue(first.lines().contains("vsd: admin token generated into " + file + " (mode 0600); vsadm --token-file "
        + file), String.join("\n", first.lines()));
    assertEquals("rw-------", PosixFilePermissions.toString(Files.getPosixFilePermissions(file)));
    String token = Files.readString(file).strip();
    assertEquals(43, token.length());

    // vsadm on the director's host, as the same user, needs nothing more: it reads the generated file.
    DirectorProcessTest.Result list = vsadm(port, Map.of("HOME", home.toString()), "-L", "-n");
    assertEquals(0, list.exit(), list.err());
    assertTrue(list.out().contains("TCP  127.0.0.1:"), list.out());

    // With no token anywhere: one line, exit 1, and nothing changed.
    Path elsewhere = Files.createDirectories(tmp.resolve("other-home"));
    DirectorProcessTest.Result none = vsadm(port, Map.of("HOME", elsewhere.toString()), "-A", "-t", "127.0.0.1:1", "-s", "rr");
    assertEquals(1, none.exit());
    assertEquals("", none.out());
    assertTrue(none.err().startsWith("vsadm: the director needs a token: set $VSD_TOKEN or $VSD_TOKEN_FILE"), none.err());
    assertEquals(1, none.err().lines().count(), none.err());
    DirectorProcessTest.Result curl = DirectorProcessTest.run(List.of("curl", "-sS", "-o", "/dev/null", "-w",
        "%{http_code}", "http://127.0.0.1:" + port + "/api/v1/services"));
    assertEquals("401", curl.out());
    curl = DirectorProcessTest.run(List.of("curl", "-sS", "-H", "Authorization: Bearer " + token,
        "http://127.0.0.1:" + port + "/api/v1/services"));
    assertTrue(curl.out().contains("\"services\""), curl.out());

    stop(first.process());
    Started second = director(config, port, Map.of());
    assertTrue(second.lines().contains("vsd: admin token in " + file + " (mode 0600); vsadm --token-file " + file),
        String.join("\n", second.lines()));
    assertEquals(token, Files.readString(file).strip(), "the same token");
    assertEquals(0, vsadm(port, Map.of("HOME", home.toString()), "-L", "-n").exit());

    // A token file others can read is no secret: the director refuses to start on it.
    stop(second.process());
    Files.setPosixFilePermissions(file, PosixFilePermissions.fromString("rw-r--r--"));
    DirectorProcessTest.Result refused = DirectorProcessTest.run(DirectorProcessTest.java("io.vsd.director.Main",
        "--config", config.toString(), "--admin", "127.0.0.1:" + port));
    assertEquals(1, refused.exit());
    assertTrue(refused.err().contains(file + " is open to other users (rw-r--r--): chmod 600 it"), refused.err());
  }

  @Test
  void configuredTokensFromTheEnvironmentAndVsadmsWaysToSendThem() throws Exception {
    Path stateDir = tmp.resolve("state");
    int port = RunningDirector.freePort();
    Started d = director(config(stateDir), port, TestTokens.directorEnv());
    assertTrue(d.lines().contains("vsd: admin API tokens: 2 configured (auth: in the config file, $VSD_ADMIN_TOKEN, "
        + "$VSD_READONLY_TOKEN)"), String.join("\n", d.lines()));
    assertFalse(Files.exists(stateDir.resolve("admin.token")), "no token generated when one is configured");
    Path home = Files.createDirectories(tmp.resolve("home"));

    // $VSD_TOKEN, read-only: listing works, a change is refused in one line.
    Map<String, String> reader = Map.of("HOME", home.toString(), "VSD_TOKEN", TestTokens.READ_ONLY);
    assertEquals(0, vsadm(port, reader, "-L", "-n").exit());
    DirectorProcessTest.Result denied = vsadm(port, reader, "-A", "-t", "127.0.0.1:2", "-s", "rr");
    assertEquals(new DirectorProcessTest.Result(1, "", "vsadm: permission denied: a read-only token cannot change "
        + "anything: POST /api/v1/services needs an admin token\n"), denied);

    // A wrong token: one line, naming where it came from.
    DirectorProcessTest.Result wrong = vsadm(port, Map.of("HOME", home.toString(), "VSD_TOKEN", "wrong-token-0123456789"),
        "-L", "-n");
    assertEquals(new DirectorProcessTest.Result(1, "", "vsadm: the director refused the token from $VSD_TOKEN: the token "
        + "is not valid on this director\n"), wrong);

    // --token-file and $VSD_TOKEN_FILE, admin: the change is made.
    Path tokenFile = Files.writeString(tmp.resolve("admin.token"), TestTokens.ADMIN + "\n");
    assertEquals(new DirectorProcessTest.Result(0, "", ""), vsadm(port, Map.of("HOME", home.toString()),
        "--token-file", tokenFile.toString(), "-A", "-t", "127.0.0.1:2", "-s", "rr"));
    assertEquals(new DirectorProcessTest.Result(0, "", ""), vsadm(port, Map.of("HOME", home.toString(),
        "VSD_TOKEN_FILE", tokenFile.toString()), "-D", "-t", "127.0.0.1:2"));
  }
}
