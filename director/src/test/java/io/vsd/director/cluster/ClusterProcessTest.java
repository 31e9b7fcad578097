package io.vsd.director.cluster;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.vertx.core.json.JsonObject;
import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/**
 * Directors of one cluster as separate JVMs on loopback (docs/cluster.md). Each test runs its own cluster,
 * with a name of its own.
 *
 * <p>On one host only one director can listen on a virtual service's address:port; the others report
 * "Address already in use" for it and retry with the next routing change. The tests use that on purpose: they
 * decide which director serves a virtual service by which one binds it first, and send clients there.
 */
@Timeout(value = 150, unit = TimeUnit.SECONDS)
class ClusterProcessTest {
  @TempDir
  Path tmp;
  final String cluster = "vsd-test-" + UUID.randomUUID().toString().substring(0, 8);
  final List<AutoCloseable> closing = new ArrayList<>();

  @AfterEach
  void cleanUp() throws Exception {
    for (AutoCloseable c : closing.reversed()) {
      c.close();
    }
  }

  DirectorProcess director(String id, int clusterPort, List<Integer> members) throws IOException {
    DirectorProcess d = new DirectorProcess(id, cluster, clusterPort, members, tmp.resolve(id));
    closing.add(d);
    return d;
  }

  Greeter greeter(String name) throws IOException {
    Greeter g = new Greeter(name);
    closing.add(g);
    return g;
  }

  static String service(int port, String... servers) {
    StringBuilder s = new StringBuilder("{\"address\":\"127.0.0.1:" + port + "\",\"scheduler\":\"rr\",\"servers\":[");
    for (int i = 0; i < servers.length; i += 2) {
      s.append(i == 0 ? "" : ",").append("{\"address\":\"").append(servers[i]).append("\",\"weight\":")
          .append(servers[i + 1]).append('}');
    }
    return s.append("]}").toString();
  }

  static String weight(String server, int weight) {
    return "{\"address\":\"" + server + "\",\"weight\":" + weight + "}";
  }

  interface Check {
    boolean test() throws Exception;
  }

  static void eventually(Check condition, String what) throws Exception {
    long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(20);
    while (!condition.test()) {
      if (System.nanoTime() > deadline) {
        throw new AssertionError("not within 20 s: " + what);
      }
      Thread.sleep(20);
    }
  }

  /** A subscriber process (SubscriberExample) and the lines it printed. */
  record Subscriber(Process process, List<String> lines) implements AutoCloseable {
    @Override
    public void close() {
      process.destroyForcibly();
    }

    boolean saw(String prefix, String contains) {
      return lines.stream().anyMatch(l -> l.startsWith(prefix) && l.contains(contains));
    }
  }

  Subscriber subscriber(int memberPort) throws Exception {
    Process p = new ProcessBuilder(DirectorProcess.java("io.vsd.director.cluster.SubscriberExample", List.of(
        "--cluster-name", cluster, "--cluster-members", "127.0.0.1:" + memberPort, "--cluster-interface", "127.0.0.1",
        "--cluster-port", String.valueOf(DirectorProcess.freePort())))).redirectErrorStream(true).start();
    List<String> lines = new CopyOnWriteArrayList<>();
    Subscriber s = new Subscriber(p, lines);
    closing.add(s);
    BufferedReader out = new BufferedReader(new InputStreamReader(p.getInputStream(), StandardCharsets.UTF_8));
    Thread.ofVirtual().start(() -> DirectorProcess.drain(out, lines));
    eventually(() -> lines.stream().anyMatch(l -> l.startsWith("subscribed")), "the subscriber joined:\n" + lines);
    return s;
  }

  /**
   * A change made on A is used by B (which serves the virtual service) for its next connections; ETags and
   * If-Match keep two administrators from overwriting each other; a Vert.x application that joins the
   * cluster reads vsd.config, vsd.stats and vsd.directors.
   */
  @Test
  void aChangeOnOneDirectorIsUsedByTheOther() throws Exception {
    Greeter x = greeter("X");
    Greeter y = greeter("Y");
    int vip = DirectorProcess.freePort();
    int portA = DirectorProcess.freePort();
    int portB = DirectorProcess.freePort();
    DirectorProcess b = director("b", portB, List.of(portA));
    Files.writeString(b.dir.resolve("vsd.yaml"), """
        services:
          - address: 127.0.0.1:%d
            scheduler: rr
            servers:
              - {address: %s, weight: 1}
              - {address: %s, weight: 0}
        """.formatted(vip, x.address(), y.address()));
    b.start();
    assertTrue(b.startedFrom().contains("the config file, which started cluster"), b.startedFrom());
    DirectorProcess a = director("a", portA, List.of(portB)).start();
    assertTrue(a.startedFrom().contains("the table of cluster"), a.startedFrom());
    Subscriber events = subscriber(portA);
    assertEquals("X", Greeter.nameVia(vip));

    // On A: Y takes all new connections. B serves the virtual service.
    String path = "/api/v1/services/tcp/127.0.0.1:" + vip;
    assertEquals(200, a.admin.send("PUT", path + "/servers/" + y.address(), weight(y.address(), 1), null).status());
    assertEquals(200, a.admin.send("PUT", path + "/servers/" + x.address(), weight(x.address(), 0), null).status());
    eventually(() -> "Y".equals(Greeter.nameVia(vip)), "B uses A's change");
    for (int i = 0; i < 5; i++) {
      assertEquals("Y", Greeter.nameVia(vip));
    }

    // Two administrators read the same ETag, one on each director; the second write is refused.
    Http.Response readA = a.admin.get(path);
    eventually(() -> readA.etag().equals(b.admin.get(path).etag()), "both directors at the same version");
    Http.Response first = b.admin.send("PUT", path + "/servers/" + x.address(), weight(x.address(), 3), readA.etag());
    assertEquals(200, first.status(), first.body());
    assertNotNull(first.etag());
    Http.Response second = a.admin.send("PUT", path + "/servers/" + x.address(), weight(x.address(), 7), readA.etag());
    assertEquals(412, second.status(), second.body());
    assertEquals("application/problem+json", second.contentType());
    assertEquals("urn:vsd:problem:precondition-failed", second.json().getString("type"));
    assertEquals(first.etag(), second.etag());
    eventually(() -> a.admin.table().get("127.0.0.1:" + vip).get(x.address()) == 3, "B's write stands on A");

    // The clustered streams, as any Vert.x application in the cluster gets them.
    eventually(() -> events.saw("vsd.stats", "\"director\":\"a\"") && events.saw("vsd.stats", "\"director\":\"b\""),
        "stats from both directors:\n" + events.lines());
    // B's change reaches the subscriber on its own schedule: the stats above may predate it.
    eventually(() -> events.saw("vsd.config", "\"origin\":\"b\""), "b's change:\n" + events.lines());
    // Three changes since the subscriber joined, each published once, by the director that made it.
    List<Long> versions = events.lines().stream().filter(l -> l.startsWith("vsd.config"))
        .map(l -> new JsonObject(l.substring(l.indexOf(' ') + 1)).getLong("version")).toList();
    assertEquals(3, versions.size(), String.join("\n", events.lines()));
    assertEquals(3, versions.stream().distinct().count(), String.join("\n", events.lines()));
    a.stop();
    eventually(() -> events.saw("vsd.directors", "\"event\":\"left\",\"director\":\"a\""),
        "a's leaving:\n" + events.lines());
    eventually(() -> b.admin.get("/api/v1/cluster").json().getJsonArray("directors").size() == 1, "b alone");
  }

  /**
   * kill -9 of the oldest member (Hazelcast's master) while clients run against the other director: not one
   * connection fails, and the survivor still takes changes.
   */
  @Test
  void aDirectorKilledWithSigkillLeavesTheOtherServing() throws Exception {
    Greeter x = greeter("X");
    int vip = DirectorProcess.freePort();
    int portA = DirectorProcess.freePort();
    int portB = DirectorProcess.freePort();
    DirectorProcess a = director("a", portA, List.of(portB));
    Files.writeString(a.dir.resolve("vsd.yaml"), """
        services:
          - address: 127.0.0.1:%d
            servers: [{address: %s}]
        """.formatted(vip, x.address()));
    DirectorProcess b = director("b", portB, List.of(portA));
    // A starts first (it becomes the master) but cannot bind the virtual service: B will serve it.
    try (ServerSocket hold = new ServerSocket(vip, 1, InetAddress.getLoopbackAddress())) {
      a.start();
    }
    b.start();
    assertEquals("X", Greeter.nameVia(vip));

    AtomicBoolean running = new AtomicBoolean(true);
    AtomicInteger ok = new AtomicInteger();
    List<String> failures = new CopyOnWriteArrayList<>();
    List<Thread> clients = new ArrayList<>();
    for (int i = 0; i < 4; i++) {
      clients.add(Thread.ofVirtual().start(() -> {
        while (running.get()) {
          try {
            String name = Greeter.nameVia(vip);
            if ("X".equals(name)) {
              ok.incrementAndGet();
            } else {
              failures.add("greeted by " + name);
            }
          } catch (IOException e) {
            failures.add(e.toString());
          }
        }
      }));
    }
    Thread.sleep(500);
    a.kill();
    int atKill = ok.get();
    eventually(() -> b.admin.get("/api/v1/cluster").json().getJsonArray("directors").size() == 1,
        "b saw a go");
    Thread.sleep(500);
    // The survivor still takes changes (the table's entry had a backup on it).
    String path = "/api/v1/services/tcp/127.0.0.1:" + vip + "/servers/" + x.address();
    Http.Response put = b.admin.send("PUT", path, weight(x.address(), 2), null);
    assertEquals(200, put.status(), put.body());
    running.set(false);
    for (Thread t : clients) {
      t.join(5_000);
    }
    assertEquals(List.of(), failures);
    assertTrue(ok.get() > atKill + 50, "clients kept being served after the kill: " + atKill + " then " + ok.get());
  }

  /**
   * A director partitioned away (here: run alone, in a cluster of its own) and brought back merges what it
   * did with what the others did; a late joiner never forwards with its stale table; a whole-cluster restart
   * keeps the newest table, and a deleted service stays deleted, even when the stalest director starts first.
   */
  @Test
  void partitionsLateJoinsAndWholeClusterRestartsKeepTheNewestTable() throws Exception {
    Greeter x = greeter("X");
    int[] vip = new int[8];
    for (int i = 1; i < vip.length; i++) {
      vip[i] = DirectorProcess.freePort();
    }
    int portA = DirectorProcess.freePort();
    int portB = DirectorProcess.freePort();
    DirectorProcess a = director("a", portA, List.of(portB)).start();
    DirectorProcess b = director("b", portB, List.of(portA)).start();
    for (int i = 1; i <= 3; i++) {
      assertEquals(201, a.admin.send("POST", "/api/v1/services", service(vip[i], x.address(), "1"), null).status());
    }
    eventually(() -> b.admin.table().size() == 3, "b has the three services");

    // A is partitioned away: it runs alone (a cluster of its own) and adds service 6 there.
    a.stop();
    a.start(cluster + "-alone", List.of());
    assertEquals(201, a.admin.send("POST", "/api/v1/services", service(vip[6], x.address(), "1"), null).status());
    a.stop();
    // Meanwhile, on B: service 2 deleted, service 1 edited, service 4 added.
    assertEquals(204, b.admin.send("DELETE", "/api/v1/services/tcp/127.0.0.1:" + vip[2], null, null).status());
    assertEquals(200, b.admin.send("PUT", "/api/v1/services/tcp/127.0.0.1:" + vip[1] + "/servers/" + x.address(),
        weight(x.address(), 5), null).status());
    assertEquals(201, b.admin.send("POST", "/api/v1/services", service(vip[4], x.address(), "1"), null).status());

    // A comes back. Its saved table still has service 2: it must never listen for it, not even while starting.
    AtomicBoolean starting = new AtomicBoolean(true);
    AtomicInteger accepted = new AtomicInteger();
    AtomicInteger tries = new AtomicInteger();
    Thread probe = Thread.ofVirtual().start(() -> {
      while (starting.get()) {
        tries.incrementAndGet();
        if (!Greeter.refused(vip[2])) {
          accepted.incrementAndGet();
        }
        try {
          Thread.sleep(2); // two cores: leave the starting director its CPU
        } catch (InterruptedException e) {
          return;
        }
      }
    });
    a.start(cluster, List.of(portB));
    Thread.sleep(500);
    starting.set(false);
    probe.join(5_000);
    assertEquals(0, accepted.get(), "connections to the deleted service accepted, of " + tries.get());
    assertTrue(a.startedFrom().contains("merged with this director's saved table"), a.startedFrom());
    Map<String, Map<String, Integer>> expected = Map.of(
        "127.0.0.1:" + vip[1], Map.of(x.address(), 5),
        "127.0.0.1:" + vip[3], Map.of(x.address(), 1),
        "127.0.0.1:" + vip[4], Map.of(x.address(), 1),
        "127.0.0.1:" + vip[6], Map.of(x.address(), 1));
    assertEquals(expected, a.admin.table(), "a had the merged table as soon as it answered");
    eventually(() -> expected.equals(b.admin.table()), "b has a's service 6");

    // A stops; on B, service 3 is deleted and 5 added; then the whole cluster stops.
    a.stop();
    assertEquals(204, b.admin.send("DELETE", "/api/v1/services/tcp/127.0.0.1:" + vip[3], null, null).status());
    assertEquals(201, b.admin.send("POST", "/api/v1/services", service(vip[5], x.address(), "2"), null).status());
    long newest = b.admin.version();
    b.stop();

    // The stalest director starts first; the newest table wins once the other joins.
    a.start();
    b.start();
    Map<String, Map<String, Integer>> after = Map.of(
        "127.0.0.1:" + vip[1], Map.of(x.address(), 5),
        "127.0.0.1:" + vip[4], Map.of(x.address(), 1),
        "127.0.0.1:" + vip[5], Map.of(x.address(), 2),
        "127.0.0.1:" + vip[6], Map.of(x.address(), 1));
    assertEquals(after, b.admin.table());
    eventually(() -> after.equals(a.admin.table()), "a converged on the newest table");
    assertTrue(a.admin.version() > newest);
    eventually(() -> {
      JsonObject saved = new JsonObject(Files.readString(a.dir.resolve("state/state.json")));
      return saved.getLong("version") == a.admin.version() && saved.getJsonArray("services").size() == 4;
    }, "a saved the newest table");
    JsonObject state = new JsonObject(Files.readString(a.dir.resolve("state/state.json")));
    assertTrue(state.getJsonObject("cluster").getJsonObject("deleted").containsKey("tcp/127.0.0.1:" + vip[3]),
        "the state file keeps the deletion of service 3: " + state.encodePrettily());
    assertFalse(a.admin.table().containsKey("127.0.0.1:" + vip[2]));
  }
}
