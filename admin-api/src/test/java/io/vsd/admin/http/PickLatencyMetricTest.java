package io.vsd.admin.http;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;

import io.prometheus.metrics.model.snapshots.ClassicHistogramBuckets;
import io.prometheus.metrics.model.snapshots.HistogramSnapshot;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import org.junit.jupiter.api.Test;

/** The data plane's pick-latency buckets (nanoseconds, per bucket) as a Prometheus histogram's data point. */
class PickLatencyMetricTest {

  @Test
  void bucketsBecomeSecondsWithAnInfiniteLastBound() {
    JsonObject picks = new JsonObject().put("scheduler", "wlc").put("count", 6).put("sumNanos", 1_500L)
        .put("boundsNanos", new JsonArray().add(25).add(50).add(1000))
        .put("buckets", new JsonArray().add(1).add(3).add(2).add(0));
    HistogramSnapshot.HistogramDataPointSnapshot p = StatusMetrics.pickPoint("tcp/127.0.0.1:80", picks);
    assertEquals("tcp/127.0.0.1:80", p.getLabels().get("service"));
    assertEquals("wlc", p.getLabels().get("scheduler"));
    assertEquals(6, p.getCount());
    assertEquals(1.5e-6, p.getSum(), 1e-15);
    ClassicHistogramBuckets b = p.getClassicBuckets();
    assertEquals(4, b.size());
    assertEquals(2.5e-8, b.getUpperBound(0), 1e-20);
    assertEquals(1e-6, b.getUpperBound(2), 1e-20);
    assertEquals(Double.POSITIVE_INFINITY, b.getUpperBound(3));
    assertEquals(3, b.getCount(1));
  }

  @Test
  void aStatusWithoutPicksOrWithMismatchedBucketsGivesNothing() {
    assertNull(StatusMetrics.pickPoint("tcp/127.0.0.1:80", null));
    assertNull(StatusMetrics.pickPoint("tcp/127.0.0.1:80", new JsonObject().put("scheduler", "rr")
        .put("boundsNanos", new JsonArray().add(25)).put("buckets", new JsonArray().add(1))));
  }
}
