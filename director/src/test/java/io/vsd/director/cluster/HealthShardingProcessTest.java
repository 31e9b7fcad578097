package io.vsd.director.cluster;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.vertx.core.json.JsonObject;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/**
 * Health probing in a cluster (docs/cluster.md): each real server is probed by one director, the others follow
 * its state, and when that director is killed with -9 another takes its checks over without a flap.
 */
@Timeout(value = 120, unit = TimeUnit.SECONDS)
class HealthShardingProcessTest {
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

  /** Each real server's health, as director {@code d} has it. */
  static Map<String, JsonObject> health(DirectorProcess d, int vip) throws Exception {
    Map<String, JsonObject> m = new HashMap<>();
    for (Object o : d.admin.get("/api/v1/services/tcp/127.0.0.1:" + vip).json().getJsonArray("servers")) {
      JsonObject s = (JsonObject) o;
      m.put(s.getString("address"), s.getJsonObject("health"));
    }
    return m;
  }

  static boolean allUp(Map<String, JsonObject> h) {
    return h.values().stream().allMatch(s -> "up".equals(s.getString("state")) && s.getInteger("effectiveWeight") > 0);
  }

  @Test
  void eachServerIsProbedByOneDirectorAndATakeoverDoesNotFlap() throws Exception {
    List<Greeter> servers = new ArrayList<>();
    StringBuilder list = new StringBuilder();
    for (int i = 0; i < 6; i++) {
      Greeter g = new Greeter("S" + i);
      closing.add(g);
      servers.add(g);
      list.append("      - {address: ").append(g.address()).append("}\n");
    }
    int vip = DirectorProcess.freePort();
    int portA = DirectorProcess.freePort();
    int portB = DirectorProcess.freePort();
    DirectorProcess a = new DirectorProcess("a", cluster, portA, List.of(portB), tmp.resolve("a"));
    DirectorProcess b = new DirectorProcess("b", cluster, portB, List.of(portA), tmp.resolve("b"));
    closing.add(a);
    closing.add(b);
    // alpha: down until proven up. A director that did not follow the prober's state, or that took a check over
    // from its initial state, would have the server down.
    Files.writeString(a.dir.resolve("vsd.yaml"), """
        services:
          - address: 127.0.0.1:%d
            scheduler: rr
            check: {type: tcp, interval: 200ms, timeout: 150ms, rise: 2, fall: 2, alpha: true}
            servers:
        %s""".formatted(vip, list));
    a.start();
    b.start();
    ClusterProcessTest.eventually(() -> allUp(health(a, vip)) && allUp(health(b, vip)),
        "every server up on both directors");
    ClusterProcessTest.eventually(() -> {
      Map<String, JsonObject> ha = health(a, vip);
      Map<String, JsonObject> hb = health(b, vip);
      return ha.keySet().stream().allMatch(s -> ha.get(s).getString("prober") != null
          && ha.get(s).getString("prober").equals(hb.get(s).getString("prober")));
    }, "both directors agree on who probes each server");

    // One prober per server: only its checks go on; the other follows its state (A, which started alone, probed
    // every server until B joined: its last check of B's servers stays where it was).
    Map<String, JsonObject> ha = health(a, vip);
    Map<String, JsonObject> hb = health(b, vip);
    Map<String, Integer> probes = new HashMap<>();
    ha.forEach((s, h) -> probes.merge(h.getString("prober"), 1, Integer::sum));
    System.out.println("health probes per director: " + probes);
    int[] before = servers.stream().mapToInt(g -> g.accepted.get()).toArray();
    Thread.sleep(2_000);
    for (int i = 0; i < servers.size(); i++) {
      int checks = servers.get(i).accepted.get() - before[i];
      // One prober at 200 ms: about 10 checks in 2 s; two would be about 20.
      assertTrue(checks >= 5 && checks <= 14, servers.get(i).address() + ": " + checks + " checks in 2 s");
    }
    Map<String, JsonObject> ha2 = health(a, vip);
    Map<String, JsonObject> hb2 = health(b, vip);
    for (String s : ha.keySet()) {
      boolean byA = ha.get(s).getString("prober").equals("a");
      Map<String, JsonObject> proberBefore = byA ? ha : hb;
      Map<String, JsonObject> proberAfter = byA ? ha2 : hb2;
      Map<String, JsonObject> otherBefore = byA ? hb : ha;
      Map<String, JsonObject> otherAfter = byA ? hb2 : ha2;
      assertTrue(proberAfter.get(s).getJsonObject("lastCheck").getLong("time")
          > proberBefore.get(s).getJsonObject("lastCheck").getLong("time"), s + ": its prober checks it");
      assertEquals(otherBefore.get(s).getValue("lastCheck"), otherAfter.get(s).getValue("lastCheck"),
          s + ": the other director does not");
    }

    // The director that probes more servers is killed; the other takes its checks over, with no flap.
    DirectorProcess victim = probes.getOrDefault("a", 0) >= probes.getOrDefault("b", 0) ? a : b;
    DirectorProcess survivor = victim == a ? b : a;
    victim.kill();
    long killed = System.nanoTime();
    List<String> flaps = new ArrayList<>();
    ClusterProcessTest.eventually(() -> {
      Map<String, JsonObject> h = health(survivor, vip);
      if (!allUp(h)) {
        flaps.add(h.toString());
      }
      return h.values().stream().allMatch(s -> survivor.id.equals(s.getString("prober"))
          && s.getValue("lastCheck") != null);
    }, "the survivor probes every server");
    System.out.printf("takeover of %d checks after kill -9: %d ms%n", probes.getOrDefault(victim.id, 0),
        (System.nanoTime() - killed) / 1_000_000);
    Thread.sleep(1_000);
    assertTrue(allUp(health(survivor, vip)));
    assertEquals(List.of(), flaps, "a server seen down on the survivor during the takeover");
    // Its log has the takeover (so INFO lines are seen), and no down transition.
    assertTrue(survivor.output.stream().anyMatch(l -> l.contains("taken over") && !l.contains("(0 taken over")),
        String.join("\n", survivor.output));
    assertTrue(survivor.output.stream().noneMatch(l -> l.contains("-> down")),
        "no down transition on the survivor:\n" + String.join("\n", survivor.output));
  }
}
