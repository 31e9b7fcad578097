package io.vsd.director;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.vertx.core.json.JsonObject;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.function.Predicate;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/**
 * Counters and rates counted by real transfers through the data plane (docs/vsadm.md, --stats and --rate): bytes
 * exact, reads counted as packets, rates that rise with traffic and decay without it, and -Z.
 */
@Timeout(value = 120, unit = TimeUnit.SECONDS)
class StatsEndToEndTest {
  @TempDir
  Path tmp;
  TestBackend backend;
  RunningDirector running;
  int vport;
  String service;

  @BeforeEach
  void start() throws Exception {
    backend = new TestBackend("b1");
    vport = RunningDirector.freePort();
    running = RunningDirector.start(tmp, """
        services:
          - address: 127.0.0.1:%d
            scheduler: rr
            servers:
              - address: %s
        """.formatted(vport, backend.address()));
    service = "/api/v1/services/tcp/127.0.0.1:" + vport;
  }

  @AfterEach
  void stop() throws Exception {
    running.close();
    backend.close();
  }

  JsonObject service() throws Exception {
    return running.admin.get(service).json();
  }

  JsonObject await(Predicate<JsonObject> condition, long ms) throws Exception {
    long deadline = System.nanoTime() + TimeUnit.MILLISECONDS.toNanos(ms);
    JsonObject s = service();
    while (!condition.test(s)) {
      assertTrue(System.nanoTime() < deadline, "not reached in " + ms + " ms: " + s.encodePrettily());
      Thread.sleep(50);
      s = service();
    }
    return s;
  }

  /** One connection: the greeting "b1\n" (3 bytes) out, then {@code n} lines of 100 bytes in and echoed out. */
  void transfer(int lines) throws Exception {
    try (TestClient c = new TestClient("127.0.0.1", vport)) {
      assertEquals("b1", c.greeting());
      String line = "x".repeat(99);
      for (int i = 0; i < lines; i++) {
        assertEquals(line, c.echo(line));
      }
    }
  }

  static JsonObject serverOf(JsonObject service) {
    return service.getJsonArray("servers").getJsonObject(0);
  }

  @Test
  void countersCountARealTransferAndRatesRiseThenDecay() throws Exception {
    transfer(10);
    transfer(5);
    // Both connections closed: the counts are final.
    JsonObject s = await(x -> x.getJsonObject("stats").getLong("activeConns") == 0
        && x.getJsonObject("stats").getLong("inactConns") == 0, 10_000);
    for (JsonObject stats : List.of(s.getJsonObject("stats"), serverOf(s).getJsonObject("stats"))) {
      assertEquals(2, stats.getLong("conns"), stats.encode());
      assertEquals(1_500, stats.getLong("inBytes"), stats.encode());
      assertEquals(1_500 + 2 * 3, stats.getLong("outBytes"), stats.encode());
      assertTrue(stats.getLong("inPkts") >= 15 && stats.getLong("inPkts") <= 1_500, stats.encode());
      assertTrue(stats.getLong("outPkts") >= 17 && stats.getLong("outPkts") <= 1_506, stats.encode());
    }

    // The estimator samples every 2 s: rates show up, then fall while nothing flows (IPVS's moving average).
    JsonObject rising = await(x -> x.getJsonObject("rates").getLong("inBps") > 0, 10_000);
    JsonObject rates = rising.getJsonObject("rates");
    assertTrue(rates.getLong("outBps") > 0 && rates.getLong("cps") >= 0, rates.encode());
    assertTrue(serverOf(rising).getJsonObject("rates").getLong("inBps") > 0, rising.encode());
    long peak = rates.getLong("inBps");
    await(x -> x.getJsonObject("rates").getLong("inBps") < peak, 10_000);

    // -Z: every counter and rate back to 0; the live connection counts are not counters and stay.
    assertEquals(204, running.admin.post("/api/v1/stats/zero", null).status());
    JsonObject zeroed = service();
    assertEquals(new JsonObject().put("conns", 0L).put("inPkts", 0L).put("outPkts", 0L).put("inBytes", 0L)
        .put("outBytes", 0L).put("activeConns", 0).put("inactConns", 0), zeroed.getJsonObject("stats"));
    assertEquals(new JsonObject().put("cps", 0L).put("inPps", 0L).put("outPps", 0L).put("inBps", 0L)
        .put("outBps", 0L), zeroed.getJsonObject("rates"));
    assertEquals(0, serverOf(zeroed).getJsonObject("stats").getLong("inBytes"));

    // Counting goes on from 0.
    transfer(1);
    JsonObject after = await(x -> x.getJsonObject("stats").getLong("conns") == 1
        && x.getJsonObject("stats").getLong("outBytes") == 103, 10_000);
    assertEquals(100, after.getJsonObject("stats").getLong("inBytes"));
  }

  @Test
  void zeroOneServiceAndAnUnknownOne() throws Exception {
    transfer(1);
    await(x -> x.getJsonObject("stats").getLong("outBytes") == 103, 10_000);
    assertEquals(404, running.admin.post("/api/v1/services/tcp/127.0.0.1:1/stats/zero", null).status());
    assertEquals(103, service().getJsonObject("stats").getLong("outBytes"));
    assertEquals(204, running.admin.post(service + "/stats/zero", null).status());
    assertEquals(0, service().getJsonObject("stats").getLong("outBytes"));
  }

  @Test
  void vsadmListsStatsAndZeroes() throws Exception {
    transfer(2);
    await(x -> x.getJsonObject("stats").getLong("outBytes") == 203, 10_000);
    JsonObject stats = service().getJsonObject("stats");
    DirectorProcessTest.Result r = DirectorProcessTest.run(DirectorProcessTest.java("io.vsd.admin.vsadm.Vsadm",
        "--server", "http://127.0.0.1:" + running.director.adminPort(), "-L", "-n", "--stats", "--exact"));
    String vip = "TCP  127.0.0.1:" + vport;
    String rip = backend.address();
    assertEquals(0, r.exit(), r.err());
    assertEquals(List.of(
        "Prot LocalAddress:Port               Conns   InPkts  OutPkts  InBytes OutBytes",
        "  -> RemoteAddress:Port",
        "%-33s%9d%9d%9d%9d%9d".formatted(vip, 1, stats.getLong("inPkts"), stats.getLong("outPkts"), 200, 203),
        "  -> %-28s%9d%9d%9d%9d%9d".formatted(rip, 1, stats.getLong("inPkts"), stats.getLong("outPkts"), 200, 203)),
        r.out().lines().skip(1).toList());
    DirectorProcessTest.Result z = DirectorProcessTest.run(DirectorProcessTest.java("io.vsd.admin.vsadm.Vsadm",
        "--server", "http://127.0.0.1:" + running.director.adminPort(), "-Z", "-t", "127.0.0.1:" + vport));
    assertEquals(new DirectorProcessTest.Result(0, "", ""), z);
    assertEquals(0, service().getJsonObject("stats").getLong("conns"));
  }
}
