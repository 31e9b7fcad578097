package io.vsd.director;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;

import io.vertx.core.json.JsonObject;
import java.io.IOException;
import java.net.DatagramSocket;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.function.Predicate;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/**
 * UDP virtual services end to end, as an operator runs them: a director from a config file or built with vsadm,
 * two real DNS servers (Debian's dnsmasq, started here on free loopback ports), real queries with dig (Debian's
 * bind9-dnsutils), the admin API's counts, vsadm's layouts, and a DNS health check taking a dead server out.
 * bin/test installs both packages.
 */
@Timeout(value = 120, unit = TimeUnit.SECONDS)
class UdpEndToEndTest {
  static final String NAME = "example.test";
  static final String A = "10.9.8.7";
  static final String B = "10.9.8.8";

  @TempDir
  Path tmp;
  RunningDirector running;
  final List<Dns> servers = new ArrayList<>();

  @AfterEach
  void stop() throws Exception {
    if (running != null) {
      running.close();
    }
    for (Dns d : servers) {
      d.close();
    }
  }

  @Test
  void digThroughTheDirectorSpreadsQueriesAndAHealthCheckTakesADeadServerOut() throws Exception {
    Dns a = dns(A);
    Dns b = dns(B);
    int vport = freeUdpPort();
    String key = "udp/127.0.0.1:" + vport;
    running = RunningDirector.start(tmp, """
        services:
          - protocol: udp
            address: 127.0.0.1:%d
            scheduler: rr
            check: {type: dns, query: %s, interval: 200ms, timeout: 500ms, rise: 2, fall: 2}
            servers:
              - address: %s
              - address: %s
        """.formatted(vport, NAME, a.address(), b.address()));
    awaitServer(key, a.address(), s -> "up".equals(s.getJsonObject("health").getString("state")));
    awaitServer(key, b.address(), s -> "up".equals(s.getJsonObject("health").getString("state")));

    // Each dig is a new client socket, so a new session: rr alternates.
    List<String> answers = new ArrayList<>();
    for (int i = 0; i < 6; i++) {
      answers.add(dig(vport, -1));
    }
    assertEquals(List.of(A, B, A, B, A, B), answers);

    // The sessions live on (300 s): InActConn, as ipvsadm shows UDP entries.
    JsonObject service = running.admin.get("/api/v1/services/" + key).json();
    assertEquals(0, service.getJsonObject("stats").getInteger("activeConns"));
    assertEquals(6, service.getJsonObject("stats").getInteger("inactConns"));
    DirectorProcessTest.Result list = vsadm("-L", "-n");
    assertEquals(0, list.exit(), list.err());
    List<String> lines = list.out().lines().toList();
    int at = lines.indexOf("UDP  127.0.0.1:%d rr".formatted(vport));
    assertTrue(at > 0, list.out());
    assertEquals(java.util.Set.of("  -> %-28s %-7s %-6d %-10d %-10d".formatted(a.address(), "Masq", 1, 0, 3),
        "  -> %-28s %-7s %-6d %-10d %-10d".formatted(b.address(), "Masq", 1, 0, 3)),
        java.util.Set.of(lines.get(at + 1), lines.get(at + 2)), list.out());

    assertEquals(6, service.getJsonObject("udp").getInteger("sessions"));
    assertEquals(0, service.getJsonObject("udp").getInteger("evicted"));
    // Prometheus: the sessions, per service and over the director (refreshed about once a second).
    String sessions = "vsd_service_udp_sessions{service=\"%s\"} 6.0".formatted(key);
    long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(10);
    String metrics = "";
    while (System.nanoTime() < deadline && !(metrics.contains(sessions) && metrics.contains("vsd_udp_sessions 6.0"))) {
      Thread.sleep(100);
      metrics = running.admin.get("/metrics").body();
    }
    assertTrue(metrics.contains(sessions), metrics);
    assertTrue(metrics.contains("vsd_udp_sessions_max 65536.0"), metrics);
    assertTrue(metrics.contains("vsd_udp_evicted_sessions_total 0.0"), metrics);

    // -L -c: the six sessions, each with IPVS's UDP state.
    DirectorProcessTest.Result conns = vsadm("-L", "-n", "-c");
    assertEquals(0, conns.exit(), conns.err());
    assertEquals(6, conns.out().lines().filter(l -> l.matches("UDP \\d\\d:\\d\\d  UDP {9}127\\.0\\.0\\.1:\\d+ +127\\.0\\.0\\.1:"
        + vport + " +127\\.0\\.0\\.1:\\d+")).count(), conns.out());

    // B dies: its DNS check fails, it leaves the route, and every new query goes to A.
    b.close();
    awaitServer(key, b.address(), s -> "down".equals(s.getJsonObject("health").getString("state")));
    for (int i = 0; i < 4; i++) {
      assertEquals(A, dig(vport, -1));
    }
  }

  @Test
  void vsadmManagesUdpServices() throws Exception {
    Dns a = dns(A);
    Dns b = dns(B);
    running = RunningDirector.start(tmp, "services: []");
    int vport = freeUdpPort();
    String vip = "127.0.0.1:" + vport;
    assertEquals(ok(), vsadm("-A", "-u", vip, "-s", "rr"));
    assertEquals(ok(), vsadm("-a", "-u", vip, "-r", a.address(), "-w", "2"));
    assertEquals(ok(), vsadm("-a", "-u", vip, "-r", b.address()));
    int source = freeUdpPort();
    // One client socket (dig from a fixed port): one session, one real server.
    String first = dig(vport, source);
    assertEquals(first, dig(vport, source));
    assertEquals(first, dig(vport, source));

    // -o: every query from that same socket is scheduled anew.
    assertEquals(ok(), vsadm("-E", "-u", vip, "-s", "rr", "-o"));
    DirectorProcessTest.Result list = vsadm("-L", "-n", "-u", vip);
    assertEquals(0, list.exit(), list.err());
    assertTrue(list.out().lines().anyMatch(("UDP  %s rr ops".formatted(vip))::equals), list.out());
    List<String> answers = new ArrayList<>();
    for (int i = 0; i < 4; i++) {
      answers.add(dig(vport, source));
    }
    assertEquals(2, answers.stream().distinct().count(), "ops alternates the real servers: " + answers);
    assertTrue(answers.get(0).equals(answers.get(2)) && answers.get(1).equals(answers.get(3)), answers.toString());

    // Quiescent: weight 0 takes a real server out of new sessions.
    assertEquals(ok(), vsadm("-e", "-u", vip, "-r", b.address(), "-w", "0"));
    for (int i = 0; i < 3; i++) {
      assertEquals(A, dig(vport, source));
    }
    DirectorProcessTest.Result save = vsadm("-S", "-n");
    assertEquals(0, save.exit(), save.err());
    List<String> rules = save.out().lines().toList();
    assertEquals(3, rules.size(), save.out());
    assertEquals("-A -u %s -s rr -o".formatted(vip), rules.get(0));
    // Real servers come sorted by address and port, as ipvsadm sorts them.
    assertEquals(java.util.Set.of("-a -u %s -r %s -m -w 2".formatted(vip, a.address()),
        "-a -u %s -r %s -m -w 0".formatted(vip, b.address())), java.util.Set.copyOf(rules.subList(1, 3)));

    assertEquals(ok(), vsadm("-D", "-u", vip));
    // The service's socket is closed: the port is free again.
    try (DatagramSocket again = new DatagramSocket(new InetSocketAddress("127.0.0.1", vport))) {
      assertEquals(vport, again.getLocalPort());
    }
  }

  // ---- helpers ----

  private static DirectorProcessTest.Result ok() {
    return new DirectorProcessTest.Result(0, "", "");
  }

  private DirectorProcessTest.Result vsadm(String... args) throws Exception {
    List<String> a = new ArrayList<>(List.of("--server", "http://127.0.0.1:" + running.director.adminPort()));
    a.addAll(List.of(args));
    return DirectorProcessTest.run(DirectorProcessTest.java("io.vsd.admin.vsadm.Vsadm", a.toArray(String[]::new)));
  }

  private void awaitServer(String key, String server, Predicate<JsonObject> done) throws Exception {
    long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(20);
    JsonObject last = null;
    while (System.nanoTime() < deadline) {
      last = running.admin.get("/api/v1/services/" + key).json();
      for (Object o : last.getJsonArray("servers")) {
        JsonObject s = (JsonObject) o;
        if (server.equals(s.getString("address")) && s.containsKey("health") && done.test(s)) {
          return;
        }
      }
      Thread.sleep(50);
    }
    fail("real server " + server + " of " + key + " did not reach the expected state within 20 s: "
        + (last == null ? null : last.encodePrettily()));
  }

  static int freeUdpPort() throws IOException {
    try (DatagramSocket s = new DatagramSocket(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0))) {
      return s.getLocalPort();
    }
  }

  /** dig's +short answer for example.test A through 127.0.0.1:{@code port}, from {@code sourcePort} (-1: any). */
  static String dig(int port, int sourcePort) throws Exception {
    List<String> cmd = new ArrayList<>(List.of("dig", "@127.0.0.1", "-p", String.valueOf(port), "+short", "+tries=1",
        "+timeout=2", NAME, "A"));
    if (sourcePort > 0) {
      cmd.addAll(List.of("-b", "127.0.0.1#" + sourcePort));
    }
    Process p = new ProcessBuilder(cmd).redirectErrorStream(true).start();
    if (!p.waitFor(10, TimeUnit.SECONDS)) {
      p.destroyForcibly();
      fail("dig did not finish: " + cmd);
    }
    String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8).strip();
    return out.startsWith(";;") || p.exitValue() != 0 ? "" : out;
  }

  private Dns dns(String answer) throws Exception {
    Dns d = Dns.start(answer, tmp);
    servers.add(d);
    return d;
  }

  /** dnsmasq (Debian's dnsmasq-base) in the foreground, answering example.test with one address. */
  static final class Dns implements AutoCloseable {
    final int port;
    private final Process process;

    private Dns(int port, Process process) {
      this.port = port;
      this.process = process;
    }

    /** Starts it on a free port and waits until it answers; another port if the one it got is taken for TCP. */
    static Dns start(String answer, Path dir) throws Exception {
      Path dnsmasq = Path.of("/usr/sbin/dnsmasq");
      assertTrue(Files.isExecutable(dnsmasq), dnsmasq + " is missing: bin/test installs dnsmasq-base");
      Path log = dir.resolve("dnsmasq-" + answer + ".log");
      String output = "";
      for (int attempt = 0; attempt < 5; attempt++) {
        int port = freeUdpPort();
        Process p = new ProcessBuilder(dnsmasq.toString(), "--no-daemon", "--conf-file=/dev/null", "--port=" + port,
            "--listen-address=127.0.0.1", "--bind-interfaces", "--no-resolv", "--no-hosts",
            "--address=/" + NAME + "/" + answer, "--pid-file=", "--log-facility=-")
            .redirectErrorStream(true).redirectOutput(log.toFile()).start();
        Dns d = new Dns(port, p);
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(10);
        while (System.nanoTime() < deadline && p.isAlive()) {
          if (answer.equals(dig(port, -1))) {
            return d;
          }
          Thread.sleep(50);
        }
        d.close();
        output = Files.readString(log);
        if (!output.contains("Address already in use")) {
          break;
        }
      }
      return fail("dnsmasq did not answer within 10 s: " + output);
    }

    String address() {
      return "127.0.0.1:" + port;
    }

    @Override
    public void close() throws InterruptedException {
      process.destroy();
      if (!process.waitFor(5, TimeUnit.SECONDS)) {
        process.destroyForcibly().waitFor(5, TimeUnit.SECONDS);
      }
    }
  }
}
