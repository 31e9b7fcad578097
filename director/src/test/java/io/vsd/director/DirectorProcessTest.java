package io.vsd.director;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.sun.net.httpserver.HttpServer;
import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/**
 * The director and vsadm as real processes, driven as an operator would: curl through the virtual service,
 * vsadm to change it, SIGTERM to stop it, and a restart that keeps what was changed.
 */
@Timeout(value = 120, unit = TimeUnit.SECONDS)
class DirectorProcessTest {
  @TempDir
  Path tmp;
  final List<HttpServer> backends = new ArrayList<>();
  final List<Process> processes = new ArrayList<>();

  @AfterEach
  void cleanUp() {
    processes.forEach(Process::destroyForcibly);
    backends.forEach(b -> b.stop(0));
  }

  HttpServer httpBackend(String name) throws IOException {
    HttpServer server = HttpServer.create(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0), 50);
    server.createContext("/", exchange -> {
      byte[] body = (name + "\n").getBytes(StandardCharsets.UTF_8);
      exchange.sendResponseHeaders(200, body.length);
      exchange.getResponseBody().write(body);
      exchange.close();
    });
    server.start();
    backends.add(server);
    return server;
  }

  static List<String> java(String mainClass, String... args) {
    List<String> cmd = new ArrayList<>(List.of(Path.of(System.getProperty("java.home"), "bin", "java").toString(),
        "-XX:TieredStopAtLevel=1", "-XX:+UseSerialGC", "-cp", System.getProperty("java.class.path"), mainClass));
    cmd.addAll(List.of(args));
    return cmd;
  }

  record Result(int exit, String out, String err) {}

  static Result run(List<String> cmd) throws Exception {
    ProcessBuilder pb = new ProcessBuilder(cmd);
    pb.environment().putAll(TestTokens.vsadmEnv());
    Process p = pb.start();
    p.getOutputStream().close();
    var out = p.getInputStream().readAllBytes();
    var err = p.getErrorStream().readAllBytes();
    assertTrue(p.waitFor(60, TimeUnit.SECONDS));
    return new Result(p.exitValue(), new String(out, StandardCharsets.UTF_8), new String(err, StandardCharsets.UTF_8));
  }

  Result vsadm(int adminPort, String... args) throws Exception {
    List<String> a = new ArrayList<>(List.of("--server", "http://127.0.0.1:" + adminPort));
    a.addAll(List.of(args));
    return run(java("io.vsd.admin.vsadm.Vsadm", a.toArray(String[]::new)));
  }

  static Result curl(int port) throws Exception {
    return run(List.of("curl", "-sS", "--max-time", "5", "http://127.0.0.1:" + port + "/"));
  }

  /** Starts bin/vsd's main class and waits for its "admin API on" line. */
  Process director(Path config, int adminPort) throws Exception {
    ProcessBuilder pb = new ProcessBuilder(java("io.vsd.director.Main", "--config", config.toString(),
        "--admin", "127.0.0.1:" + adminPort)).redirectErrorStream(true);
    pb.environment().putAll(TestTokens.directorEnv());
    Process p = pb.start();
    processes.add(p);
    BufferedReader out = new BufferedReader(new InputStreamReader(p.getInputStream(), StandardCharsets.UTF_8));
    long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(60);
    StringBuilder seen = new StringBuilder();
    while (System.nanoTime() < deadline) {
      String line = out.readLine();
      if (line == null) {
        break;
      }
      seen.append(line).append('\n');
      if (line.contains("admin API on")) {
        Thread.ofVirtual().start(() -> out.lines().forEach(l -> { }));
        return p;
      }
    }
    throw new AssertionError("the director did not start:\n" + seen);
  }

  @Test
  void operatorSession() throws Exception {
    int a = httpBackend("A").getAddress().getPort();
    int b = httpBackend("B").getAddress().getPort();
    int vport = RunningDirector.freePort();
    int adminPort = RunningDirector.freePort();
    Path config = tmp.resolve("vsd.yaml");
    Files.writeString(config, """
        director:
          state-dir: %s
          drain-timeout: 20s
        services:
          - address: 127.0.0.1:%d
            scheduler: wrr
            servers:
              - {address: 127.0.0.1:%d, weight: 2}
              - {address: 127.0.0.1:%d, weight: 1}
        """.formatted(tmp.resolve("state"), vport, a, b));
    Process director = director(config, adminPort);

    assertEquals("A\nA\nB\n", curl(vport).out() + curl(vport).out() + curl(vport).out());

    String header = "IP Virtual Server version 1.2.1 (size=4096)\n"
        + "Prot LocalAddress:Port Scheduler Flags\n"
        + "  -> RemoteAddress:Port           Forward Weight ActiveConn InActConn\n";
    Result list = vsadm(adminPort, "-L", "-n");
    assertEquals(0, list.exit(), list.err());
    // vsadm sorts real servers by address and port, as ipvsadm does: the ports are whatever the OS gave.
    String rowA = String.format("  -> %-28s %-7s %-6d %-10d %-10d%n", "127.0.0.1:" + a, "Masq", 2, 0, 0);
    String rowB = String.format("  -> %-28s %-7s %-6d %-10d %-10d%n", "127.0.0.1:" + b, "Masq", 1, 0, 0);
    assertEquals(header
        + String.format("TCP  127.0.0.1:%d wrr%n", vport)
        + (a < b ? rowA + rowB : rowB + rowA), list.out());

    Result edit = vsadm(adminPort, "-e", "-t", "127.0.0.1:" + vport, "-r", "127.0.0.1:" + b, "-w", "5");
    assertEquals(0, edit.exit(), edit.err());
    Result bad = vsadm(adminPort, "-e", "-t", "127.0.0.1:" + vport, "-r", "127.0.0.1:" + b, "-w", "70000");
    assertTrue(bad.exit() != 0);
    assertEquals(1, bad.err().strip().lines().count(), "one line: " + bad.err());
    assertTrue(bad.err().startsWith("vsadm: "), bad.err());

    // SIGTERM with a connection open: listeners close, the open connection finishes, then exit 0.
    try (TestClient open = new TestClient("127.0.0.1", vport)) {
      open.socket.getOutputStream().write("GET / HTTP/1.1\r\nHost: x\r\n\r\n".getBytes(StandardCharsets.US_ASCII));
      assertEquals("HTTP/1.1 200 OK", open.in.readLine());
      director.destroy();
      long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(10);
      while (!ForwardingEndToEndTest.refused(vport) && System.nanoTime() < deadline) {
        Thread.sleep(50);
      }
      assertTrue(ForwardingEndToEndTest.refused(vport), "stopped accepting");
      assertTrue(director.isAlive(), "still draining the open connection");
      open.socket.getOutputStream().write("GET / HTTP/1.1\r\nHost: x\r\n\r\n".getBytes(StandardCharsets.US_ASCII));
      assertTrue(open.in.readLine() != null, "the open connection still works while draining");
    }
    assertTrue(director.waitFor(15, TimeUnit.SECONDS), "exits once the last connection closed");
    assertEquals(0, director.exitValue());

    Process again = director(config, adminPort);
    Result after = vsadm(adminPort, "-L", "-n");
    assertTrue(after.out().contains(String.format("  -> %-28s %-7s %-6d ", "127.0.0.1:" + b, "Masq", 5)),
        "the weight set with vsadm survived the restart:\n" + after.out());
    again.destroy();
    assertTrue(again.waitFor(15, TimeUnit.SECONDS));
    assertEquals(0, again.exitValue());
    assertFalse(again.isAlive());
  }

  @Test
  void checkConfigReportsEveryErrorWithItsLocation() throws Exception {
    Path config = tmp.resolve("bad.yaml");
    Files.writeString(config, """
        services:
          - address: 127.0.0.1:80
            scheduler: fastest
            servers:
              - address: 127.0.0.1:8080
                weight: 70000
        """);
    Result r = run(java("io.vsd.director.Main", "--check-config", config.toString()));
    assertEquals(1, r.exit());
    assertTrue(r.err().contains(config + ":3:"), r.err());
    assertTrue(r.err().contains(config + ":6:"), r.err());
    Path good = tmp.resolve("good.yaml");
    Files.writeString(good, "services:\n  - address: 127.0.0.1:80\n");
    Result ok = run(java("io.vsd.director.Main", "--check-config", good.toString()));
    assertEquals(0, ok.exit(), ok.err());
  }
}
