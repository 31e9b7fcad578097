package io.vsd.services.scheduler;

import java.util.Arrays;
import java.util.Comparator;
import java.util.List;

/**
 * A Maglev lookup table (Eisenbud et al., NSDI 2016, §3.4; ip_vs_mh.c): M slots, M prime. Each server has a
 * preference walk through the slots, from {@code offset} by steps of {@code skip}, both hashed from its
 * address and port. The servers take turns claiming their next free preferred slot, each taking
 * {@code weight / gcd} turns in a row (scaled down as the kernel does, so that turns stay near √M), until the
 * table is full.
 *
 * <p>Unlike the kernel, which takes turns in the order the servers were added, the servers are sorted by
 * address:port first: the table depends only on the set of servers and their weights, so every director of
 * a cluster builds the same one, whatever order each saw the servers in.
 */
final class MaglevTable {
  private static final long OFFSET_SEED = 0x9E3779B97F4A7C15L;
  private static final long SKIP_SEED = 0xC2B2AE3D27D4EB4FL;
  private static final long LOOKUP_SEED = 0x165667B19E3779F9L;

  private final Destination[] slots;

  private MaglevTable(Destination[] slots) {
    this.slots = slots;
  }

  int size() {
    return slots.length;
  }

  Destination slot(int i) {
    return slots[i];
  }

  /** The slot of a 32-bit key (the client's folded address, plus its port with mh-port, plus a probe offset). */
  int index(int key) {
    return HashKeys.reduce(HashKeys.mix64(LOOKUP_SEED ^ (key & 0xffffffffL)), slots.length);
  }

  /**
   * The weight a server takes turns by. A quiescent server keeps its slots (it is then unavailable, and
   * mh-fallback or chb walk past it): a weight taken to 0 by health keeps the configured weight's share; a
   * configured weight of 0 takes the smallest share, one turn. The kernel remembers the last non-zero weight
   * instead, but that depends on history, and every director must build the same table from the same table
   * of services.
   */
  static int turnWeight(Destination d) {
    return Math.max(d.weight(), d.server().weight());
  }

  static MaglevTable build(List<Destination> destinations, int m) {
    Destination[] sorted = destinations.toArray(Destination[]::new);
    Arrays.sort(sorted, Comparator.comparing((Destination d) -> d.server().endpoint()));
    Destination[] slots = new Destination[m];
    int n = sorted.length;
    if (n == 0) {
      return new MaglevTable(slots);
    }
    int gcd = 0;
    int max = 0;
    for (Destination d : sorted) {
      int w = turnWeight(d);
      if (w > 0) {
        gcd = gcd == 0 ? w : gcd(gcd, w);
        max = Math.max(max, w);
      }
    }
    // ip_vs_mh_shift_weight: keep weight/gcd within half the bits of the table index.
    int indexBits = 32 - Integer.numberOfLeadingZeros(m - 1);
    int shift = gcd == 0 ? 0 : Math.max(0, (32 - Integer.numberOfLeadingZeros(max / gcd)) - indexBits / 2);
    int[] turns = new int[n];
    int[] skip = new int[n];
    int[] next = new int[n];
    for (int i = 0; i < n; i++) {
      Destination d = sorted[i];
      int w = turnWeight(d);
      turns[i] = w == 0 ? 1 : Math.max(1, (w / gcd) >> shift);
      var endpoint = d.server().endpoint();
      next[i] = (int) Long.remainderUnsigned(HashKeys.endpoint(endpoint.address(), endpoint.port(), OFFSET_SEED), m);
      skip[i] = (int) Long.remainderUnsigned(HashKeys.endpoint(endpoint.address(), endpoint.port(), SKIP_SEED), m - 1) + 1;
    }
    boolean[] taken = new boolean[m];
    int filled = 0;
    while (true) {
      for (int i = 0; i < n; i++) {
        for (int t = 0; t < turns[i]; t++) {
          int c = next[i];
          while (taken[c]) {
            c += skip[i];
            if (c >= m) {
              c -= m;
            }
          }
          next[i] = c;
          taken[c] = true;
          slots[c] = sorted[i];
          if (++filled == m) {
            return new MaglevTable(slots);
          }
        }
      }
    }
  }

  private static int gcd(int a, int b) {
    while (b != 0) {
      int t = a % b;
      a = b;
      b = t;
    }
    return a;
  }
}
