package io.vsd.dataplane;

import io.vertx.core.json.JsonObject;
import java.util.concurrent.atomic.LongAdder;

/**
 * The traffic counters of one virtual service or one real server, as IPVS keeps them (struct ip_vs_stats):
 * connections, packets and bytes each way, and their rates.
 *
 * <p>"In" is what the client sends (a read from the client socket is an in packet), "out" what goes back to it
 * (a read from the real server, written to the client, is an out packet). A "packet" is one read: a proxy sees
 * the socket's reads, not the wire's packets.
 *
 * <p>The counters are {@link LongAdder}s: every event loop adds without locks, contention or allocation (a cell
 * per contending thread is made once). The rates are IPVS's estimator ({@link #estimate}), run every
 * {@link #ESTIMATE_INTERVAL_MS} by the data plane's verticle, which alone reads and writes the estimator's state.
 */
final class Counters {
  /** ip_vs_est.c: the counters are sampled every 2 seconds. */
  static final long ESTIMATE_INTERVAL_MS = 2_000;

  private final LongAdder conns = new LongAdder();
  private final LongAdder inPkts = new LongAdder();
  private final LongAdder outPkts = new LongAdder();
  private final LongAdder inBytes = new LongAdder();
  private final LongAdder outBytes = new LongAdder();

  // The estimator (ip_vs_estimator): the counts at the last sample and the averages, scaled as IPVS scales them
  // (connections and packets per second by 2^10, bytes per second by 2^5). The verticle's context only.
  private long lastConns;
  private long lastInPkts;
  private long lastOutPkts;
  private long lastInBytes;
  private long lastOutBytes;
  private long cps;
  private long inPps;
  private long outPps;
  private long inBps;
  private long outBps;

  void connection() {
    conns.increment();
  }

  /** A read from the client, of {@code bytes}. */
  void in(int bytes) {
    inPkts.increment();
    inBytes.add(bytes);
  }

  /** A read from the real server (written to the client), of {@code bytes}. */
  void out(int bytes) {
    outPkts.increment();
    outBytes.add(bytes);
  }

  /**
   * One step of IPVS's estimator (estimation_timer in ip_vs_est.c): the rate over the last interval, scaled,
   * folded into an exponentially weighted moving average with weight 1/4. Called every 2 seconds.
   */
  void estimate() {
    long c = conns.sum();
    long ip = inPkts.sum();
    long op = outPkts.sum();
    long ib = inBytes.sum();
    long ob = outBytes.sum();
    cps += (((c - lastConns) << 9) - cps) >> 2;
    inPps += (((ip - lastInPkts) << 9) - inPps) >> 2;
    outPps += (((op - lastOutPkts) << 9) - outPps) >> 2;
    inBps += (((ib - lastInBytes) << 4) - inBps) >> 2;
    outBps += (((ob - lastOutBytes) << 4) - outBps) >> 2;
    lastConns = c;
    lastInPkts = ip;
    lastOutPkts = op;
    lastInBytes = ib;
    lastOutBytes = ob;
  }

  /**
   * ipvsadm -Z (ip_vs_zero_stats): counters to 0, and the estimator restarted from there. An add that races with
   * the reset may be lost, as a counter read at that moment would be.
   */
  void zero() {
    conns.reset();
    inPkts.reset();
    outPkts.reset();
    inBytes.reset();
    outBytes.reset();
    lastConns = lastInPkts = lastOutPkts = lastInBytes = lastOutBytes = 0;
    cps = inPps = outPps = inBps = outBps = 0;
  }

  /** The counters: {@code {"conns", "inPkts", "outPkts", "inBytes", "outBytes"}}. */
  JsonObject statsJson() {
    return new JsonObject()
        .put("conns", conns.sum())
        .put("inPkts", inPkts.sum())
        .put("outPkts", outPkts.sum())
        .put("inBytes", inBytes.sum())
        .put("outBytes", outBytes.sum());
  }

  /**
   * The rates, per second, rounded as ip_vs_read_estimator rounds them: {@code {"cps", "inPps", "outPps", "inBps",
   * "outBps"}}.
   */
  JsonObject ratesJson() {
    return new JsonObject()
        .put("cps", (cps + 0x1FF) >> 10)
        .put("inPps", (inPps + 0x1FF) >> 10)
        .put("outPps", (outPps + 0x1FF) >> 10)
        .put("inBps", (inBps + 0xF) >> 5)
        .put("outBps", (outBps + 0xF) >> 5);
  }
}
