package io.vsd.services.scheduler;

/**
 * The straight scans of lc, wlc, sed and nq (nothing to check, every weight above 0, the servers lying in the
 * slab in their order), by blocks of {@link #BLOCK} servers. They read the slab's int shadows of the counts
 * words (see {@link ConnectionCounts}): the overheads for lc and wlc, the active counts for sed and nq.
 *
 * <p>Each block is first tested as a whole by a loop without branches that C2 turns into AVX2 instructions on
 * 8 int lanes: it ORs together, for every server of the block, a number that is negative when that server
 * <em>may</em> be better than the best so far, and is never positive for one that is strictly better. Only a
 * block whose OR is negative is scanned server by server with the kernel's own rule (the first server,
 * replaced only by a strictly better one, compared by cross-multiplication), so the choice is exactly the
 * kernel's, ties included: a block that holds no strictly better server changes nothing whatever the test
 * says, and a block that does is never skipped. With servers in no particular order, the best so far improves
 * about ln(n) times, so most blocks are only tested. In the worst cases (the ratios falling along the list, or
 * many servers tied with the best) every block is tested and then scanned: about the cost of a plain scan
 * plus the tests.
 *
 * <p>The shadows are read with plain reads: a pick orders nothing by a count, so it needs only a fresh, whole
 * int, which a plain read gives; unlike opaque reads, plain ones let C2 unroll and vectorize. A count that
 * changes between a block's test and its exact pass is the same race as a count changing during any scan:
 * each server's load is read at some moment of the pick.
 *
 * <p>The tests assume counts that fit the kernel's int arithmetic: active below 2^23 and inactive below 2^31,
 * so that active * 256 + inactive does not overflow. The data plane cannot get near that.
 */
final class LoadScan {
  /** Servers per block: long enough for C2 to vectorize the test, short enough that a scanned block is cheap. */
  static final int BLOCK = 64;

  private LoadScan() {}

  /** lc: the least overhead, ties to the first. */
  static int leastOverhead(int[] overheads, int run, int n) {
    int least = 0;
    int leastLoad = overheads[run];
    for (int from = 1; from < n && leastLoad > 0; from += BLOCK) {
      int to = Math.min(n, from + BLOCK);
      if (anyBelow(overheads, run, from, to, leastLoad) < 0) {
        for (int i = from; i < to; i++) {
          int load = overheads[run + i];
          if (load < leastLoad) {
            least = i;
            leastLoad = load;
          }
        }
      }
    }
    return least;
  }

  /** Negative when some server of [from, to) has an overhead below {@code bound}; exact (both are ints >= 0). */
  private static int anyBelow(int[] overheads, int run, int from, int to, int bound) {
    int any = 0;
    for (int i = from; i < to; i++) {
      any |= overheads[run + i] - bound;
    }
    return any;
  }

  /** wlc: the least overhead / weight, ties to the first. */
  static int leastWeightedOverhead(int[] overheads, int run, int[] weights) {
    int n = weights.length;
    int least = 0;
    long leastLoad = overheads[run];
    long leastWeight = weights[0];
    int scale = scale(leastLoad, leastWeight);
    // a load of 0 cannot be beaten: the first idle server is the choice
    for (int from = 1; from < n && leastLoad > 0; from += BLOCK) {
      int to = Math.min(n, from + BLOCK);
      if (anyAtMost(overheads, run, 0, weights, from, to, scale) < 0) {
        int before = least;
        for (int i = from; i < to; i++) {
          long load = overheads[run + i];
          if (leastLoad * weights[i] > load * leastWeight) {
            least = i;
            leastLoad = load;
            leastWeight = weights[i];
          }
        }
        if (least != before) {
          scale = scale(leastLoad, leastWeight);
        }
      }
    }
    return least;
  }

  /** sed: the least (active + 1) / weight, ties to the first. */
  static int leastExpectedDelay(int[] actives, int run, int[] weights) {
    return leastDelay(actives, run, weights, false);
  }

  /** nq: the first idle server, else the sed choice. */
  static int neverQueue(int[] actives, int run, int[] weights) {
    return leastDelay(actives, run, weights, true);
  }

  private static int leastDelay(int[] actives, int run, int[] weights, boolean firstIdle) {
    int n = weights.length;
    int least = 0;
    long leastLoad = actives[run] + 1L;
    if (firstIdle && leastLoad == 1) {
      return 0;
    }
    long leastWeight = weights[0];
    int scale = scale(leastLoad, leastWeight);
    for (int from = 1; from < n; from += BLOCK) {
      int to = Math.min(n, from + BLOCK);
      int any = firstIdle
          ? anyIdleOrAtMost(actives, run, weights, from, to, scale)
          : anyAtMost(actives, run, 1, weights, from, to, scale);
      if (any < 0) {
        int before = least;
        for (int i = from; i < to; i++) {
          long load = actives[run + i] + 1L;
          if (firstIdle && load == 1) {
            return i; // the blocks before held no idle server, or the test would have sent us there
          }
          if (leastLoad * weights[i] > load * leastWeight) {
            least = i;
            leastLoad = load;
            leastWeight = weights[i];
          }
        }
        if (least != before) {
          scale = scale(leastLoad, leastWeight);
        }
      }
    }
    return least;
  }

  /*
   * The weighted tests. Server i is strictly better than the best (load L, weight W) when
   * load_i * W < L * w_i, that is load_i < w_i * L / W. With r = L / W, the test compares in 32-bit lanes
   * (load_i >> s) with (w_i * t) >>> k, where t = ceil(r * 2^k / 2^s) < 2^15 and one of s, k is 0: k keeps 14
   * bits of r when r is small, s drops low bits of the load when r is large, and w_i * t < 2^31 for any weight
   * up to 65535. Rounding t up and the load down keeps every strictly better server on the "may be better"
   * side; servers within about 2^-14 of the best may be let through too, and the exact pass decides them.
   */

  /** The test's s, k and t for the best (load, weight), packed as t << 10 | k << 5 | s. */
  static int scale(long load, long weight) {
    if (load <= 0) {
      return 0; // not used: nothing beats a load of 0
    }
    int e = Math.getExponent((double) load / weight);
    int s = Math.max(0, e - 13);
    int k = Math.max(0, 13 - e);
    long t = Math.ceilDiv(load << k, weight << s);
    return (int) t << 10 | k << 5 | s;
  }

  /** Negative when some server of [from, to) may have a (count + plus) / weight at most the best's. */
  private static int anyAtMost(int[] counts, int run, int plus, int[] weights, int from, int to, int scale) {
    int s = scale & 31;
    int k = (scale >>> 5) & 31;
    int t = scale >>> 10;
    int any = 0;
    for (int i = from; i < to; i++) {
      any |= (counts[run + i] + plus >> s) - ((weights[i] * t) >>> k) - 1;
    }
    return any;
  }

  /** As {@link #anyAtMost} for active + 1, and negative too when some server of the block is idle. */
  private static int anyIdleOrAtMost(int[] actives, int run, int[] weights, int from, int to, int scale) {
    int s = scale & 31;
    int k = (scale >>> 5) & 31;
    int t = scale >>> 10;
    int any = 0;
    for (int i = from; i < to; i++) {
      int active = actives[run + i];
      any |= (active - 1) | (active + 1 >> s) - ((weights[i] * t) >>> k) - 1;
    }
    return any;
  }
}
