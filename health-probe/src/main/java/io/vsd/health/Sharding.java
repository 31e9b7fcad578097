package io.vsd.health;

import java.nio.charset.StandardCharsets;
import java.util.Collection;

/**
 * Which director of a cluster probes a check (docs/cluster.md, "Health probing in a cluster"): rendezvous
 * (highest-random-weight) hashing of the check's id over the directors' ids. Every director computes the same
 * owner from the same membership, in any order; when a director joins, it takes about 1/n of the checks from the
 * others and nothing else moves; when one leaves, only its checks move, spread over the others.
 */
public final class Sharding {
  private Sharding() {}

  /** The owner of {@code key} among {@code members} (not empty). Ties, which need equal 64-bit scores, go to the lesser id. */
  public static String owner(String key, Collection<String> members) {
    String best = null;
    long bestScore = 0;
    for (String m : members) {
      long s = score(m, key);
      if (best == null || Long.compareUnsigned(s, bestScore) > 0
          || (s == bestScore && m.compareTo(best) < 0)) {
        best = m;
        bestScore = s;
      }
    }
    if (best == null) {
      throw new IllegalArgumentException("no members");
    }
    return best;
  }

  /** FNV-1a over "member NUL key", then MurmurHash3's 64-bit finalizer: the same on every JVM. */
  static long score(String member, String key) {
    long h = 0xcbf29ce484222325L;
    for (byte b : member.getBytes(StandardCharsets.UTF_8)) {
      h = (h ^ (b & 0xff)) * 0x100000001b3L;
    }
    h = (h ^ 0) * 0x100000001b3L;
    for (byte b : key.getBytes(StandardCharsets.UTF_8)) {
      h = (h ^ (b & 0xff)) * 0x100000001b3L;
    }
    h ^= h >>> 33;
    h *= 0xff51afd7ed558ccdL;
    h ^= h >>> 33;
    h *= 0xc4ceb9fe1a85ec53L;
    h ^= h >>> 33;
    return h;
  }
}
