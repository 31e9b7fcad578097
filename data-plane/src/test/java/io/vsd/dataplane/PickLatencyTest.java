package io.vsd.dataplane;

import static org.junit.jupiter.api.Assertions.assertEquals;

import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import org.junit.jupiter.api.Test;

/** The pick-latency histogram: each pick in the bucket of the first bound it does not exceed. */
class PickLatencyTest {

  @Test
  void picksFallIntoTheBucketOfTheirUpperBound() {
    PickLatency p = new PickLatency("wlc");
    p.record(0);
    p.record(25);
    p.record(50); // on a bound: that bucket (Prometheus' le is "less than or equal")
    p.record(51);
    p.record(999);
    p.record(1_000_000);
    p.record(5_000_000); // above the last bound
    JsonObject json = p.json();
    assertEquals("wlc", json.getString("scheduler"));
    assertEquals(7L, json.getLong("count"));
    assertEquals(0L + 25 + 50 + 51 + 999 + 1_000_000 + 5_000_000, json.getLong("sumNanos"));
    JsonArray bounds = json.getJsonArray("boundsNanos");
    assertEquals(PickLatency.BOUNDS_NS.length, bounds.size());
    assertEquals(25L, bounds.getLong(0));
    JsonArray buckets = json.getJsonArray("buckets");
    assertEquals(bounds.size() + 1, buckets.size());
    assertEquals(new JsonArray().add(2L).add(1L).add(1L).add(0L).add(0L).add(1L).add(0L).add(0L).add(0L).add(0L).add(0L)
        .add(0L).add(1L).add(1L), buckets);
  }

  @Test
  void trafficStatsStartAFreshHistogramWhenTheSchedulerChanges() {
    TrafficStats stats = new TrafficStats();
    io.vsd.services.model.ServiceKey key = io.vsd.services.model.ServiceKey.parse("tcp/127.0.0.1:80");
    stats.schedulerOf(key, "rr");
    PickLatency rr = stats.picks(key, "rr");
    rr.record(10);
    stats.schedulerOf(key, "rr"); // another snapshot, same scheduler: the same series goes on
    assertEquals(1L, stats.picks(key, "rr").json().getLong("count"));
    assertEquals(null, stats.picks(key, "wrr"), "a pick made with another scheduler is not counted under this one");
    stats.schedulerOf(key, "wrr");
    assertEquals(null, stats.picks(key, "rr"));
    assertEquals(0L, stats.picks(key, "wrr").json().getLong("count"));
    assertEquals("wrr", stats.findPicks(key).scheduler());
  }
}
