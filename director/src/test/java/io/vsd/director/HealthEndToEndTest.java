package io.vsd.director;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;

import io.vertx.core.json.JsonObject;
import io.vsd.eventbus.Addresses;
import io.vsd.eventbus.HealthEvent;
import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.BooleanSupplier;
import java.util.function.Predicate;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/**
 * Health checking end to end: a director from a config file, real backends on loopback that die, hang, come back
 * and change weight, clients through the virtual service, the admin API and vsadm as an operator reads them, and
 * the {@code vsd.health} events.
 */
@Timeout(value = 90, unit = TimeUnit.SECONDS)
class HealthEndToEndTest {
  /** Fast checks, so that a test sees transitions within a second. */
  static final String CHECK = "{type: tcp, interval: 200ms, fall: 2, rise: 2, timeout: 150ms}";

  @TempDir
  Path tmp;
  RunningDirector running;
  final List<Backend> backends = new ArrayList<>();
  final List<HealthEvent> events = new CopyOnWriteArrayList<>();

  @AfterEach
  void stop() throws Exception {
    if (running != null) {
      running.close();
    }
    for (Backend b : backends) {
      b.close();
    }
  }

  // ---- a backend that can be killed, restarted and black-holed ----

  /** Greets each connection with its name and a newline, then echoes, as the other e2e tests' backends do. */
  static final class Backend implements AutoCloseable {
    final String name;
    final int port;
    final AtomicInteger accepted = new AtomicInteger();
    private final ExecutorService pool = Executors.newVirtualThreadPerTaskExecutor();
    private final Set<Socket> open = ConcurrentHashMap.newKeySet();
    private final List<Socket> stuck = new ArrayList<>();
    private volatile ServerSocket server;

    Backend(String name) throws IOException {
      this.name = name;
      this.server = listen(0);
      this.port = server.getLocalPort();
    }

    String address() {
      return "127.0.0.1:" + port;
    }

    private ServerSocket listen(int p) throws IOException {
      ServerSocket s = bind(p, 500);
      pool.submit(() -> accept(s));
      return s;
    }

    /** Binds, waiting a little for a listener just closed on the same port to be gone (its accept may hold it). */
    private static ServerSocket bind(int p, int backlog) throws IOException {
      for (int attempt = 0; ; attempt++) {
        ServerSocket s = new ServerSocket();
        s.setReuseAddress(true);
        try {
          s.bind(new InetSocketAddress(InetAddress.getLoopbackAddress(), p), backlog);
          return s;
        } catch (java.net.BindException e) {
          s.close();
          if (attempt >= 50) {
            throw e;
          }
          try {
            Thread.sleep(20);
          } catch (InterruptedException i) {
            throw new IOException(i);
          }
        }
      }
    }

    private void accept(ServerSocket s) {
      while (!s.isClosed()) {
        try {
          Socket c = s.accept();
          accepted.incrementAndGet();
          open.add(c);
          pool.submit(() -> serve(c));
        } catch (IOException e) {
          return;
        }
      }
    }

    private void serve(Socket c) {
      try (c) {
        c.getOutputStream().write((name + "\n").getBytes(StandardCharsets.UTF_8));
        c.getOutputStream().flush();
        c.getInputStream().transferTo(c.getOutputStream());
      } catch (IOException ignored) {
        // killed, or the client left
      } finally {
        open.remove(c);
      }
    }

    /** As kill -9 would: the listener and every open connection closed at once. */
    void kill() throws IOException {
      server.close();
      for (Socket c : open) {
        c.close();
      }
    }

    /** Listens again on the same port. */
    void restart() throws IOException {
      server = listen(port);
    }

    /**
     * Keeps the port but answers nothing: a listener that never accepts, with its accept queue full, so that the
     * kernel drops new SYNs and connects hang until they time out, as to a host that went away.
     */
    void blackHole() throws IOException {
      kill();
      server = bind(port, 1);
      for (int i = 0; i < 3; i++) {
        Socket filler = new Socket();
        try {
          filler.connect(new InetSocketAddress(InetAddress.getLoopbackAddress(), port), 200);
        } catch (IOException full) {
          // the queue is full already
        }
        stuck.add(filler);
      }
    }

    @Override
    public void close() throws IOException {
      kill();
      for (Socket s : stuck) {
        s.close();
      }
      pool.shutdownNow();
    }
  }

  Backend backend(String name) throws IOException {
    Backend b = new Backend(name);
    backends.add(b);
    return b;
  }

  // ---- the director ----

  /** Starts a director from a config file with {@code servicesYaml}; records every vsd.health event. */
  void start(boolean execChecks, String servicesYaml) throws Exception {
    Path file = tmp.resolve("vsd.yaml");
    Files.writeString(file, """
        director:
          id: health-test
          state-dir: %s
          drain-timeout: 2s
          connect-timeout: 1s
          exec-checks: %s
        %s
        """.formatted(tmp.resolve("state"), execChecks, servicesYaml));
    running = RunningDirector.start(file);
    running.director.vertx().eventBus().<JsonObject>localConsumer(Addresses.HEALTH,
        m -> events.add(HealthEvent.fromJson(m.body()))).completion().await(5, TimeUnit.SECONDS);
  }

  String service(int vport, String scheduler, String extra, Backend... servers) {
    StringBuilder sb = new StringBuilder("""
          - address: 127.0.0.1:%d
            scheduler: %s
        """.formatted(vport, scheduler));
    for (String line : extra.split("\n")) {
      if (!line.isBlank()) {
        sb.append("    ").append(line).append('\n');
      }
    }
    sb.append("    servers:\n");
    for (Backend b : servers) {
      sb.append("      - address: ").append(b.address()).append('\n');
    }
    return sb.toString();
  }

  JsonObject server(int vport, Backend b) throws Exception {
    AdminClient.Response r = running.admin.get("/api/v1/services/tcp/127.0.0.1:" + vport + "/servers/" + b.address());
    assertEquals(200, r.status(), r.body());
    return r.json();
  }

  JsonObject serviceView(int vport) throws Exception {
    return running.admin.get("/api/v1/services/tcp/127.0.0.1:" + vport).json();
  }

  String healthOf(int vport, Backend b) throws Exception {
    return server(vport, b).getJsonObject("health").getString("state");
  }

  static void awaitTrue(String what, long ms, BooleanSupplier condition) throws InterruptedException {
    long deadline = System.nanoTime() + ms * 1_000_000;
    while (!condition.getAsBoolean()) {
      if (System.nanoTime() > deadline) {
        fail(what + " within " + ms + " ms");
      }
      Thread.sleep(20);
    }
  }

  /**
   * Waits until the API says {@code b} is in {@code state}, then a little more: the API shows the health
   * verticle's view, which changes just before the event that the scheduling verticle applies to the route.
   */
  void awaitHealth(int vport, Backend b, String state, long ms) throws Exception {
    long deadline = System.nanoTime() + ms * 1_000_000;
    while (!state.equals(healthOf(vport, b))) {
      if (System.nanoTime() > deadline) {
        fail(b.name + " not " + state + " within " + ms + " ms: " + server(vport, b).encodePrettily());
      }
      Thread.sleep(20);
    }
    Thread.sleep(100);
  }

  /** Waits until the service's state (published by the scheduling verticle once it has rebuilt the route) is {@code state}. */
  void awaitService(int vport, String state) throws Exception {
    long deadline = System.nanoTime() + 3_000_000_000L;
    while (!state.equals(serviceView(vport).getJsonObject("health").getString("state"))) {
      if (System.nanoTime() > deadline) {
        fail("service not " + state + ": " + serviceView(vport).encodePrettily());
      }
      Thread.sleep(20);
    }
  }

  void awaitWeight(int vport, Backend b, int weight) throws Exception {
    long deadline = System.nanoTime() + 3_000_000_000L;
    while (true) {
      JsonObject health = server(vport, b).getJsonObject("health");
      if (health != null && Integer.valueOf(weight).equals(health.getInteger("effectiveWeight"))) {
        Thread.sleep(100); // as in awaitHealth: the route follows the same event
        return;
      }
      if (System.nanoTime() > deadline) {
        fail(b.name + " not at effective weight " + weight + ": " + server(vport, b).encodePrettily() + "\n" + events);
      }
      Thread.sleep(20);
    }
  }

  HealthEvent event(Predicate<HealthEvent> p) {
    return events.stream().filter(p).findFirst().orElse(null);
  }

  static String names(int vport, int n) throws IOException {
    StringBuilder sb = new StringBuilder();
    for (int i = 0; i < n; i++) {
      sb.append(TestClient.nameOf(vport));
    }
    return sb.toString();
  }

  static long count(String names, char c) {
    return names.chars().filter(x -> x == c).count();
  }

  DirectorProcessTest.Result vsadm(String... args) throws Exception {
    List<String> a = new ArrayList<>(List.of("--server", "http://127.0.0.1:" + running.director.adminPort()));
    a.addAll(List.of(args));
    return DirectorProcessTest.run(DirectorProcessTest.java("io.vsd.admin.vsadm.Vsadm", a.toArray(String[]::new)));
  }

  static String row(String listing, Backend b) {
    return listing.lines().filter(l -> l.contains("-> " + b.address())).findFirst().orElse("(no row for " + b.address() + ")");
  }

  // ---- tests ----

  @Test
  void aDeadServerLeavesWithinASecondAndComesBackWithTheWeightSetWhileItWasDown() throws Exception {
    Backend a = backend("A");
    Backend b = backend("B");
    Backend c = backend("C");
    Backend x = backend("X");
    Backend y = backend("Y");
    int vport = RunningDirector.freePort();
    int inhibit = RunningDirector.freePort();
    start(false, "services:\n" + service(vport, "wrr", "check: " + CHECK, a, b, c)
        + service(inhibit, "rr", "check: " + CHECK + "\nonFailure: inhibit", x, y));
    assertEquals("ABCABC", names(vport, 6));

    long t0 = System.nanoTime();
    b.kill();
    awaitTrue("B down", 1000, () -> event(e -> b.address().equals(e.server()) && "down".equals(e.newState())) != null);
    long ms = (System.nanoTime() - t0) / 1_000_000;
    System.out.println("removal of a killed server, interval 200 ms, fall 2: " + ms + " ms");
    String after = names(vport, 6);
    assertEquals(0, count(after, 'B'), after);
    JsonObject down = server(vport, b);
    assertEquals("down", down.getJsonObject("health").getString("state"));
    assertEquals(0, down.getJsonObject("health").getInteger("effectiveWeight"));
    assertEquals(1, down.getInteger("weight"), "the configured weight is kept apart from health");
    assertTrue(down.getJsonObject("health").getJsonObject("lastCheck").getString("message").contains("Connection refused"));
    assertTrue(down.getJsonObject("health").getInteger("failures") >= 2);
    assertEquals("up", serviceView(vport).getJsonObject("health").getString("state"));
    assertEquals(2, serviceView(vport).getJsonObject("health").getInteger("serversUp"));

    // An operator changes the weight while the server is down: that is the weight it comes back with.
    AdminClient.Response edit = running.admin.put("/api/v1/services/tcp/127.0.0.1:" + vport + "/servers/" + b.address(),
        "{\"address\":\"" + b.address() + "\",\"weight\":3}");
    assertEquals(200, edit.status(), edit.body());
    assertEquals(0, count(names(vport, 5), 'B'), "still down after the edit");
    assertTrue(server(vport, b).containsKey("health"));

    // Inhibit: the down server stays in the route with weight 0.
    x.kill();
    awaitHealth(inhibit, x, "down", 2000);
    assertEquals("YYYY", names(inhibit, 4));

    String listing = vsadm("-L", "-n").out();
    assertTrue(row(listing, b).matches("\\s+-> " + b.address() + "\\s+Masq\\s+0\\s+0\\s+0\\s*"),
        "vsadm shows the down server with weight 0:\n" + listing);
    assertTrue(row(listing, a).matches("\\s+-> " + a.address() + "\\s+Masq\\s+1\\s+0\\s+0\\s*"), listing);
    assertTrue(row(listing, x).matches("\\s+-> " + x.address() + "\\s+Masq\\s+0\\s+0\\s+0\\s*"), listing);

    b.restart();
    awaitHealth(vport, b, "up", 2000);
    JsonObject up = server(vport, b);
    assertEquals(3, up.getJsonObject("health").getInteger("effectiveWeight"));
    String back = names(vport, 10);
    assertEquals(6, count(back, 'B'), "weights 1, 3, 1: " + back);
    assertTrue(row(vsadm("-L", "-n").out(), b).matches("\\s+-> " + b.address() + "\\s+Masq\\s+3\\s+0\\s+0\\s*"));
  }

  @Test
  void sorryServerAndQuorumWithHysteresis() throws Exception {
    Backend a = backend("A");
    Backend b = backend("B");
    Backend c = backend("C");
    Backend sorry = backend("S");
    Backend only = backend("O");
    int vport = RunningDirector.freePort();
    int single = RunningDirector.freePort();
    // Weights 2, 2, 2: healthy 6. Quorum 5 with hysteresis 1: lost below 4, regained at 6.
    start(false, "services:\n" + service(vport, "rr", "check: " + CHECK + "\nsorry: " + sorry.address()
            + "\nquorum: {weight: 5, hysteresis: 1}", a, b, c)
        + service(single, "rr", "check: " + CHECK + "\nsorry: " + sorry.address(), only));
    for (Backend s : List.of(a, b, c)) {
      assertEquals(200, running.admin.put("/api/v1/services/tcp/127.0.0.1:" + vport + "/servers/" + s.address(),
          "{\"address\":\"" + s.address() + "\",\"weight\":2}").status());
    }
    assertEquals("ABCABC", names(vport, 6));
    assertEquals("OO", names(single, 2), "the sorry server is not used while a real server is available");

    a.kill();
    awaitHealth(vport, a, "down", 2000);
    assertEquals("BCBC", names(vport, 4), "healthy weight 4: the quorum holds");

    b.kill();
    awaitHealth(vport, b, "down", 2000);
    awaitService(vport, "sorry");
    assertEquals("SSS", names(vport, 3), "healthy weight 2 is below 5 - 1: the sorry server takes over");
    HealthEvent lost = event(e -> HealthEvent.KIND_SERVICE.equals(e.kind()) && "sorry".equals(e.newState()));
    assertNotNull(lost, "" + events);
    assertTrue(lost.reason().contains("below the quorum 5"), lost.reason());
    assertEquals("sorry", serviceView(vport).getJsonObject("health").getString("state"));

    a.restart();
    awaitHealth(vport, a, "up", 2000);
    assertEquals("SSS", names(vport, 3), "healthy weight 4 is below 5 + 1: still the sorry server (hysteresis)");

    b.restart();
    awaitHealth(vport, b, "up", 2000);
    awaitService(vport, "up");
    assertEquals("ABCABC", names(vport, 6), "healthy weight 6: the real servers again");
    assertEquals("up", serviceView(vport).getJsonObject("health").getString("state"));

    only.kill();
    awaitHealth(single, only, "down", 2000);
    awaitService(single, "sorry");
    assertEquals("SS", names(single, 2), "no real server available: the sorry server");
    only.restart();
    awaitHealth(single, only, "up", 2000);
    awaitService(single, "up");
    assertEquals("OO", names(single, 2));
  }

  @Test
  void agentWeightsAndTheExecCheck() throws Exception {
    Backend a = backend("A");
    Backend b = backend("B");
    Backend c = backend("C");
    Backend d = backend("D");
    AtomicBoolean stop = new AtomicBoolean();
    String[] agentSays = {"up 25%\n"};
    ServerSocket agent = new ServerSocket(0, 50, InetAddress.getLoopbackAddress());
    Thread.ofVirtual().start(() -> {
      while (!stop.get() && !agent.isClosed()) {
        try (Socket s = agent.accept()) {
          s.getOutputStream().write(agentSays[0].getBytes(StandardCharsets.UTF_8));
        } catch (IOException e) {
          // a check that gave up early; the next one is served
        }
      }
    });
    Path weights = Files.createDirectories(tmp.resolve("weights"));
    Files.writeString(weights.resolve(String.valueOf(c.port)), "0");
    Files.writeString(weights.resolve(String.valueOf(d.port)), "0");
    int vport = RunningDirector.freePort();
    int exec = RunningDirector.freePort();
    try {
      start(true, "services:\n"
          + service(vport, "wrr", "check: {type: agent, port: " + agent.getLocalPort() + ", interval: 100ms, timeout: 1s}", a, b)
          + service(exec, "wrr", "check: {type: exec, command: 'exit $(cat " + weights + "/$VSD_REAL_PORT)',"
              + " dynamicWeight: true, interval: 100ms, timeout: 2s, fall: 1, rise: 1}", c, d));
      for (Backend s : List.of(a, b)) {
        running.admin.put("/api/v1/services/tcp/127.0.0.1:" + vport + "/servers/" + s.address(),
            "{\"address\":\"" + s.address() + "\",\"weight\":4}");
      }
      // The agent (one for both: the same check of one address is one probe) says 25%: weight 4 becomes 1.
      awaitWeight(vport, a, 1);
      assertEquals(25, server(vport, b).getJsonObject("health").getInteger("weightPercent"));
      assertEquals("ABABABAB", names(vport, 8), "1 and 1");
      agentSays[0] = "drain\n";
      awaitWeight(vport, a, 0);
      assertEquals("up", healthOf(vport, a), "drain is up with weight 0");
      agentSays[0] = "weight:3\n";
      awaitWeight(vport, a, 3);
      agentSays[0] = "maint\n";
      awaitHealth(vport, a, "down", 3000);
      assertEquals("down", healthOf(vport, b), "one agent for both: one probe, both down");

      // exec: exit 0 up, 1 down, 2..255 up with weight exit - 2.
      assertEquals("CDCD", names(exec, 4));
      Files.writeString(weights.resolve(String.valueOf(c.port)), "1");
      awaitHealth(exec, c, "down", 3000);
      assertEquals("DDD", names(exec, 3));
      Files.writeString(weights.resolve(String.valueOf(c.port)), "5");
      awaitHealth(exec, c, "up", 3000);
      assertEquals(3, server(exec, c).getJsonObject("health").getInteger("effectiveWeight"));
      String mix = names(exec, 8);
      assertEquals(6, count(mix, 'C'), "weights 3 and 1: " + mix);
    } finally {
      stop.set(true);
      agent.close();
    }
  }

  @Test
  void passiveDetectionTakesOutABlackHoledServerBeforeItsFirstProbeFails() throws Exception {
    Backend a = backend("A");
    Backend b = backend("B");
    int vport = RunningDirector.freePort();
    // Probes every 5 s: a dead server would take over 10 s to be found by them.
    start(false, "services:\n" + service(vport, "rr",
        "check: {type: tcp, interval: 5s, timeout: 1s, fall: 3}\npassive: {failures: 2, window: 10s}", a, b));
    assertEquals("ABAB", names(vport, 4));

    b.blackHole();
    long t0 = System.nanoTime();
    // Clients at once: those scheduled to B wait the connect timeout (1 s), then go to A. None fails.
    List<Thread> clients = new ArrayList<>();
    List<String> got = new CopyOnWriteArrayList<>();
    for (int i = 0; i < 6; i++) {
      clients.add(Thread.ofVirtual().start(() -> {
        try {
          got.add(TestClient.nameOf(vport));
        } catch (IOException e) {
          got.add("failed: " + e);
        }
      }));
    }
    for (Thread t : clients) {
      t.join(10_000);
    }
    assertEquals(6, got.size());
    assertTrue(got.stream().allMatch("A"::equals), got.toString());
    awaitTrue("B down", 2000, () -> event(e -> b.address().equals(e.server()) && "down".equals(e.newState())) != null);
    long ms = (System.nanoTime() - t0) / 1_000_000;
    HealthEvent down = event(e -> b.address().equals(e.server()) && "down".equals(e.newState()));
    assertEquals("passive", down.source(), down.toString());
    assertTrue(down.reason().contains("2 connections failed in a row"), down.reason());
    assertTrue(ms < 4000, "out after " + ms + " ms, before a probe could have failed it");
    System.out.println("passive detection: " + down.reason() + " (" + ms + " ms after the black hole)");

    // From now on nobody waits for B.
    for (int i = 0; i < 5; i++) {
      long c0 = System.nanoTime();
      assertEquals("A", TestClient.nameOf(vport));
      long cms = (System.nanoTime() - c0) / 1_000_000;
      assertTrue(cms < 500, "a connection took " + cms + " ms");
    }
    assertEquals("down", healthOf(vport, b));
  }

  @Test
  void aServerThatAcceptsAndClosesCostsNoClientAndIsTakenOutPassively() throws Exception {
    Backend a = backend("A");
    ServerSocket closer = new ServerSocket(0, 50, InetAddress.getLoopbackAddress());
    AtomicInteger closed = new AtomicInteger();
    Thread.ofVirtual().start(() -> {
      while (!closer.isClosed()) {
        try {
          closer.accept().close(); // a crashing server: accepts, says nothing, closes
          closed.incrementAndGet();
        } catch (IOException e) {
          // closed
        }
      }
    });
    try {
      int vport = RunningDirector.freePort();
      String z = "127.0.0.1:" + closer.getLocalPort();
      // A TCP connect check cannot tell: the port accepts. The data plane can.
      start(false, "services:\n" + service(vport, "rr", "check: {type: tcp, interval: 5s}\npassive: {failures: 3, window: 10s}", a)
          .replace("    servers:\n", "    servers:\n      - address: " + z + "\n"));
      assertEquals("AAAAAAAAAA", names(vport, 10), "each close before any byte is retried on A");
      awaitTrue("Z down", 2000, () -> event(e -> z.equals(e.server()) && "down".equals(e.newState())) != null);
      HealthEvent down = event(e -> z.equals(e.server()) && "down".equals(e.newState()));
      assertEquals("passive", down.source());
      assertTrue(down.reason().endsWith("closed before any byte"), down.reason());
      int before = closed.get();
      assertEquals("AAAAA", names(vport, 5));
      assertEquals(before, closed.get(), "no connection tries Z any more");
    } finally {
      closer.close();
    }
  }

  @Test
  void everyConnectionOfALoadSucceedsWhileABackendIsKilledAndRestarted() throws Exception {
    Backend a = backend("A");
    Backend b = backend("B");
    Backend c = backend("C");
    int vport = RunningDirector.freePort();
    start(false, "services:\n" + service(vport, "rr", "check: " + CHECK, a, b, c));
    assertEquals("ABC", names(vport, 3));

    int workers = 8;
    int atLeast = 2000;
    int atMost = 30_000;
    long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(45);
    AtomicInteger done = new AtomicInteger();
    AtomicInteger failed = new AtomicInteger();
    AtomicBoolean cycleDone = new AtomicBoolean();
    Map<String, AtomicInteger> served = new ConcurrentHashMap<>();
    List<String> failures = new CopyOnWriteArrayList<>();
    List<Thread> threads = new ArrayList<>();
    for (int w = 0; w < workers; w++) {
      threads.add(Thread.ofVirtual().start(() -> {
        while ((done.get() < atLeast || !cycleDone.get()) && done.get() < atMost && System.nanoTime() < deadline) {
          try (Socket s = new Socket()) {
            s.connect(new InetSocketAddress(InetAddress.getLoopbackAddress(), vport), 3000);
            s.setSoTimeout(5000);
            String name = new BufferedReader(new InputStreamReader(s.getInputStream(), StandardCharsets.UTF_8)).readLine();
            if (name == null) {
              throw new IOException("closed without a greeting");
            }
            served.computeIfAbsent(name, k -> new AtomicInteger()).incrementAndGet();
          } catch (IOException e) {
            failed.incrementAndGet();
            if (failures.size() < 10) {
              failures.add(e.toString());
            }
          }
          done.incrementAndGet();
        }
      }));
    }
    awaitTrue("300 connections", 20_000, () -> done.get() >= 300);
    b.kill();
    int killedAt = done.get();
    awaitHealth(vport, b, "down", 3000);
    int bBefore = served.get("B").get();
    Thread.sleep(300);
    b.restart();
    int restartedAt = done.get();
    awaitHealth(vport, b, "up", 3000);
    awaitTrue("B serving again", 5000, () -> served.get("B").get() > bBefore);
    cycleDone.set(true);
    for (Thread t : threads) {
      t.join(60_000);
    }
    System.out.println("load: " + done.get() + " connections, " + failed.get() + " failed, served " + served
        + "; B killed after " + killedAt + ", restarted after " + restartedAt);
    assertEquals(0, failed.get(), "failed connections: " + failures);
    assertTrue(done.get() >= atLeast, done.get() + " connections");
    assertTrue(served.get("B").get() > bBefore, "B serves again after its restart");
    assertNotNull(event(e -> b.address().equals(e.server()) && "down".equals(e.newState())));
    assertNotNull(event(e -> b.address().equals(e.server()) && "up".equals(e.newState())));
  }
}
