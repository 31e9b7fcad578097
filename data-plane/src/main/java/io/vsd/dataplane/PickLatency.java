package io.vsd.dataplane;

import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.util.concurrent.atomic.LongAdder;

/**
 * How long one virtual service's scheduler takes to pick a real server (docs/monitoring.md,
 * {@code vsd_scheduler_pick_seconds}): a histogram with fixed bounds, recorded on the event loops and read by
 * the control plane.
 *
 * <p>Recording is one bucket search over a dozen longs and two {@link LongAdder} adds: no lock, no allocation
 * (a LongAdder makes its cells once, when event loops first contend). The bucket counts are kept apart (not
 * cumulative), so the count of picks is their sum and is always the {@code +Inf} bucket's.
 *
 * <p>One per service and scheduler: a service whose scheduler changes gets a new one, so that each pick is
 * counted under the scheduler that made it. Not zeroed by ipvsadm -Z, which zeroes IPVS's counters only.
 */
final class PickLatency {
  /**
   * Upper bounds, in nanoseconds. A warm pick of rr or dh takes some 10 ns (and a nanoTime some 20 more), a scan
   * of lc over a thousand servers microseconds; above a millisecond something is wrong, and {@code +Inf} says so.
   */
  static final long[] BOUNDS_NS = {
      25, 50, 100, 200, 500, 1_000, 2_000, 5_000, 10_000, 20_000, 50_000, 100_000, 1_000_000};

  private final String scheduler;
  /** One bucket per bound, and a last one for everything above. */
  private final LongAdder[] buckets = new LongAdder[BOUNDS_NS.length + 1];
  private final LongAdder sumNanos = new LongAdder();

  PickLatency(String scheduler) {
    this.scheduler = scheduler;
    for (int i = 0; i < buckets.length; i++) {
      buckets[i] = new LongAdder();
    }
  }

  String scheduler() {
    return scheduler;
  }

  /** One pick that took {@code nanos}. From any event loop. */
  void record(long nanos) {
    int i = 0;
    while (i < BOUNDS_NS.length && nanos > BOUNDS_NS[i]) {
      i++;
    }
    buckets[i].increment();
    sumNanos.add(Math.max(0, nanos));
  }

  /**
   * {@code {"scheduler", "count", "sumNanos", "boundsNanos": [...], "buckets": [...]}}: the bucket counts are
   * per bucket (not cumulative), one more than the bounds, the last one for picks above the last bound.
   */
  JsonObject json() {
    JsonArray bounds = new JsonArray();
    for (long b : BOUNDS_NS) {
      bounds.add(b);
    }
    JsonArray counts = new JsonArray();
    long count = 0;
    for (LongAdder b : buckets) {
      long n = b.sum();
      counts.add(n);
      count += n;
    }
    return new JsonObject()
        .put("scheduler", scheduler)
        .put("count", count)
        .put("sumNanos", sumNanos.sum())
        .put("boundsNanos", bounds)
        .put("buckets", counts);
  }
}
