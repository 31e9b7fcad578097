package io.vsd.services.scheduler;

/**
 * The straight scans of lc, wlc, sed and nq (nothing to check, every weight above 0, the servers lying in the
 * slab in their order). They read the slab's int shadows of the counts words (see {@link ConnectionCounts}):
 * the overheads for lc and wlc, the active counts for sed and nq, so that C2 turns the loops below into AVX2
 * instructions on 8 int lanes.
 *
 * <p>Every loop that decides which servers to look at closer is branch-free and errs only on the side of
 * "may be better": a test ORs together, for every server of a block, a number that is negative when that
 * server <em>may</em> be better than the best so far, and is never positive for one that is strictly better.
 * Only a server that passes every level is compared with the kernel's own rule (the first server, replaced
 * only by a strictly better one, by cross-multiplication), so the choice is exactly the kernel's, ties
 * included: a block that holds no strictly better server changes nothing whatever a test says, and a block
 * that does is never skipped.
 *
 * <ul>
 *   <li>lc: blocks of {@link #BLOCK} servers tested against the best overhead so far (exact, in ints); inside
 *       a block that may hold a better one, blocks of {@link #SUB} tested again, and only those scanned.
 *   <li>wlc, sed, nq: a first pass in float finds which blocks may hold the least ratio (see
 *       {@link #leastRatio}), so that, with servers in any order, usually one block is looked at further, not
 *       every block where the best so far improves; inside it, blocks of {@link #SUB} are tested against
 *       the best so far in 32-bit fixed point, and only those scanned. Up to {@link #SUB} servers, the
 *       kernel's rule straight away.
 * </ul>
 *
 * <p>In the worst cases (ratios falling along the list for lc, or many servers tied with the least) every
 * block is tested and then scanned: about the cost of a plain scan plus the tests.
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
  private static final long LOW = 0xFFFFFFFFL;
  /**
   * Servers per first-level block: each block's loop pays a set-up, a remainder and a reduction (measured: 16
   * blocks of 64 cost 2.4 times one loop over 1000), so few: a block kept for a closer look then costs its
   * second-level tests, not a scan.
   */
  static final int BLOCK = 256;
  /** Servers per second-level block, tested inside a block whose test failed, before any exact pass. */
  static final int SUB = 32;

  private LoadScan() {}

  /** lc: the least overhead, ties to the first. */
  static int leastOverhead(int[] overheads, int run, int n) {
    int least = 0;
    int leastLoad = overheads[run];
    for (int from = 1; from < n && leastLoad > 0; from += BLOCK) {
      int to = Math.min(n, from + BLOCK);
      if (anyBelow(overheads, run, from, to, leastLoad) >= 0) {
        continue;
      }
      for (int sub = from; sub < to; sub += SUB) {
        int subTo = Math.min(to, sub + SUB);
        if (anyBelow(overheads, run, sub, subTo, leastLoad) < 0) {
          for (int i = sub; i < subTo; i++) {
            int load = overheads[run + i];
            if (load < leastLoad) {
              least = i;
              leastLoad = load;
            }
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

  /** wlc: the least overhead / weight, ties to the first. {@code inverses[i]} is {@code 1f / weights[i]}. */
  static int leastWeightedOverhead(int[] overheads, int run, int[] weights, float[] inverses) {
    if (overheads[run] == 0) {
      return 0; // a load of 0 cannot be beaten: the first idle server is the choice
    }
    return leastRatio(overheads, run, 0, weights, inverses, false);
  }

  /** sed: the least (active + 1) / weight, ties to the first. */
  static int leastExpectedDelay(int[] actives, int run, int[] weights, float[] inverses) {
    return leastRatio(actives, run, 1, weights, inverses, false);
  }

  /** nq: the first idle server, else the sed choice. */
  static int neverQueue(int[] actives, int run, int[] weights, float[] inverses) {
    if (actives[run] == 0) {
      return 0;
    }
    return leastRatio(actives, run, 1, weights, inverses, true);
  }

  /**
   * The least (count + plus) / weight, ties to the first; with {@code firstIdle} (nq), the first server whose
   * count is 0 if any (the first server is not: the caller checked).
   *
   * <p>A first pass computes each block's least key in float, {@code (count + plus) * (1f / weight)}, which
   * C2 vectorizes on 8 lanes, and keeps the set of blocks that may hold the least ratio. Each key is within
   * 2^-22 of its server's ratio (three roundings of 2^-24), so with a tolerance {@link #TOLERANCE} far above
   * that, a block whose least key exceeds the least key of all times (1 + TOLERANCE) holds no server with
   * the least ratio. The set is kept as a bit mask while the blocks go by: a block far below the least so far
   * starts it again (no block before can then hold the least ratio), one within the tolerance joins it. The
   * kept blocks are then scanned in order (their second-level blocks tested, and only a failed one scanned
   * exactly, from the first server's ratio), so the exact pass sees the first server with the least ratio,
   * and the kernel's rule over any sublist that holds it, in order, chooses it. The tests' threshold is the
   * tighter of the best so far and the least key times (1 + TOLERANCE): neither is below the least ratio.
   */
  private static int leastRatio(int[] counts, int run, int plus, int[] weights, float[] inverses,
      boolean firstIdle) {
    int n = weights.length;
    int block = blockSize(n);
    long blocks = 0;
    float least = Float.MAX_VALUE;
    if (n <= SUB) {
      // a few servers: the kernel's rule straight away, nothing to choose from
      if (firstIdle && anyIdle(counts, run, 0, n) < 0) {
        for (int i = 1; i < n; i++) {
          if (counts[run + i] == 0) {
            return i;
          }
        }
      }
      return (int) (exact(counts, run, plus, weights, 1, n, counts[run] + plus & LOW) >>> 32);
    }
    for (int from = 0, b = 0; from < n; from += block, b++) {
      int to = Math.min(n, from + block);
      float key = firstIdle ? leastKeyOrIdle(counts, run, inverses, from, to)
          : leastKey(counts, run, plus, inverses, from, to);
      if (firstIdle && key < 0) {
        for (int i = from; i < to; i++) {
          if (counts[run + i] == 0) {
            return i; // the blocks before held no idle server
          }
        }
        // none left (its connection came since the test): no idle server now, the block goes on as for sed
        key = leastKey(counts, run, plus, inverses, from, to);
      }
      if (key * (1 + TOLERANCE) < least) {
        blocks = 1L << b;
        least = key;
      } else if (key <= least * (1 + TOLERANCE)) {
        blocks |= 1L << b;
        least = Math.min(least, key);
      }
    }
    double bound = least > 0 ? least * (1 + TOLERANCE) : Double.POSITIVE_INFINITY; // 0: wlc's idle server
    long best = counts[run] + plus & LOW;
    int scale = scale(best & LOW, weights[0], bound);
    for (; blocks != 0 && (best & LOW) > 0; blocks &= blocks - 1) {
      int b = Long.numberOfTrailingZeros(blocks);
      int to = Math.min(n, b * block + block);
      for (int sub = Math.max(1, b * block); sub < to; sub += SUB) {
        int subTo = Math.min(to, sub + SUB);
        if (anyAtMost(counts, run, plus, weights, sub, subTo, scale) >= 0) {
          continue;
        }
        long before = best;
        best = exact(counts, run, plus, weights, sub, subTo, best);
        if (best != before) {
          scale = scale(best & LOW, weights[(int) (best >>> 32)], bound);
        }
      }
    }
    return (int) (best >>> 32);
  }

  /** The first pass's tolerance: far above the float keys' error of 2^-22, far below the tests' 2^-14. */
  private static final double TOLERANCE = 0x1p-16;

  /** Blocks of the first pass: at least {@link #BLOCK} servers, and at most 64 blocks (one bit mask). */
  private static int blockSize(int n) {
    int perBlock = Math.ceilDiv(n, 64);
    return Math.max(BLOCK, Math.ceilDiv(perBlock, SUB) * SUB);
  }

  /** The least float key of [from, to): (count + plus) * (1f / weight). */
  private static float leastKey(int[] counts, int run, int plus, float[] inverses, int from, int to) {
    float least = Float.MAX_VALUE;
    for (int i = from; i < to; i++) {
      least = Math.min(least, (counts[run + i] + plus) * inverses[i]);
    }
    return least;
  }

  /** nq's first pass: as {@link #leastKey} for active + 1, or -1 when some server of [from, to) is idle. */
  private static float leastKeyOrIdle(int[] actives, int run, float[] inverses, int from, int to) {
    float least = Float.MAX_VALUE;
    int idle = 0;
    for (int i = from; i < to; i++) {
      int active = actives[run + i];
      least = Math.min(least, (active + 1) * inverses[i]);
      idle |= active - 1; // one loop, both reductions: cheaper than a second pass
    }
    return idle < 0 ? -1 : least;
  }

  /** Negative when some server of [from, to) has a count of 0. */
  private static int anyIdle(int[] counts, int run, int from, int to) {
    int any = 0;
    for (int i = from; i < to; i++) {
      any |= counts[run + i] - 1;
    }
    return any;
  }

  /** The kernel's rule over [from, to), from the best so far, {@code index << 32 | load}; returns the new best. */
  private static long exact(int[] counts, int run, int plus, int[] weights, int from, int to, long best) {
    int least = (int) (best >>> 32);
    long leastLoad = best & LOW;
    long leastWeight = weights[least];
    for (int i = from; i < to; i++) {
      long load = counts[run + i] + plus & LOW;
      if (leastLoad * weights[i] > load * leastWeight) {
        least = i;
        leastLoad = load;
        leastWeight = weights[i];
      }
    }
    return (long) least << 32 | leastLoad;
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

  /** The test's scale for the tighter of the best so far (load / weight) and the bound; either is exact. */
  private static int scale(long load, long weight, double bound) {
    return (double) load / weight <= bound ? scale(load, weight) : scale(bound);
  }

  /** As {@link #scale(long, long)}, for a ratio r > 0 given as a double: t rounded up, exactly. */
  static int scale(double r) {
    int e = Math.getExponent(r);
    int s = Math.max(0, e - 13);
    int k = Math.max(0, 13 - e);
    long t = (long) Math.ceil(Math.scalb(r, k - s));
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
}
