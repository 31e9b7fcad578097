package io.vsd.dataplane;

import static org.junit.jupiter.api.Assertions.assertEquals;

import io.vertx.core.json.JsonObject;
import org.junit.jupiter.api.Test;

/** IPVS's estimator, step by step (ip_vs_est.c): a 2 s sample folded into an average with weight 1/4. */
class CountersTest {

  static JsonObject rates(long cps, long inPps, long outPps, long inBps, long outBps) {
    return new JsonObject().put("cps", cps).put("inPps", inPps).put("outPps", outPps).put("inBps", inBps)
        .put("outBps", outBps);
  }

  @Test
  void countsReadsAsPacketsAndTheirBytes() {
    Counters c = new Counters();
    c.connection();
    c.in(100);
    c.in(50);
    c.out(1000);
    assertEquals(new JsonObject().put("conns", 1L).put("inPkts", 2L).put("outPkts", 1L).put("inBytes", 150L)
        .put("outBytes", 1000L), c.statsJson());
    assertEquals(rates(0, 0, 0, 0, 0), c.ratesJson(), "no sample yet");
  }

  @Test
  void aBurstRisesByAQuarterThenDecays() {
    Counters c = new Counters();
    for (int i = 0; i < 10; i++) {
      c.connection();
    }
    c.in(1000);
    c.estimate();
    // 10 conns in 2 s: (10 << 9) / 4 = 1280, read (1280 + 0x1FF) >> 10 = 1. 1000 bytes: (1000 << 4) / 4 = 4000,
    // read (4000 + 0xF) >> 5 = 125 (a quarter of 500 B/s).
    assertEquals(rates(1, 0, 0, 125, 0), c.ratesJson());
    c.estimate(); // nothing more: 4000 - 1000 = 3000 -> 94; 1280 - 320 = 960 -> 1
    assertEquals(rates(1, 0, 0, 94, 0), c.ratesJson());
    c.estimate(); // 2250 -> 70; 720 -> 1
    assertEquals(rates(1, 0, 0, 70, 0), c.ratesJson());
    for (int i = 0; i < 60; i++) {
      c.estimate();
    }
    assertEquals(rates(0, 0, 0, 0, 0), c.ratesJson());
  }

  @Test
  void aSteadyRateConvergesToIt() {
    Counters c = new Counters();
    for (int step = 0; step < 60; step++) {
      for (int i = 0; i < 10; i++) { // 5 connections per second
        c.connection();
        c.in(200); // 1000 B/s and 5 packets per second in
        c.out(400);
        c.out(400); // 4000 B/s and 10 packets per second out
      }
      c.estimate();
    }
    assertEquals(rates(5, 5, 10, 1000, 4000), c.ratesJson());
  }

  @Test
  void zeroRestartsCountersAndEstimator() {
    Counters c = new Counters();
    c.connection();
    c.in(1000);
    c.estimate();
    c.zero();
    assertEquals(new Counters().statsJson(), c.statsJson());
    assertEquals(rates(0, 0, 0, 0, 0), c.ratesJson());
    c.estimate(); // no jump from the counters having gone back to 0
    assertEquals(rates(0, 0, 0, 0, 0), c.ratesJson());
  }
}
