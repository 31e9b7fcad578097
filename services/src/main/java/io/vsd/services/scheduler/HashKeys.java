package io.vsd.services.scheduler;

import java.net.InetAddress;

/** The hash functions of the hashing schedulers, in one place so that their choices are easy to review. */
final class HashKeys {
  private HashKeys() {}

  /** The kernel's GOLDEN_RATIO_32 (include/linux/hash.h). */
  private static final int GOLDEN_RATIO_32 = 0x61C88647;

  /**
   * An address folded to 32 bits as IPVS folds it: an IPv4 address as a host-order integer, an IPv6 address
   * as the XOR of its four 32-bit words (sh, dh, mh, lblc: {@code addr->ip6[0]^...^addr->ip6[3]}).
   */
  static int fold(InetAddress address) {
    byte[] b = address.getAddress();
    int fold = 0;
    for (int i = 0; i < b.length; i += 4) {
      fold ^= ((b[i] & 0xff) << 24) | ((b[i + 1] & 0xff) << 16) | ((b[i + 2] & 0xff) << 8) | (b[i + 3] & 0xff);
    }
    return fold;
  }

  /** The kernel's hash_32(val, bits): the top {@code bits} bits of val × GOLDEN_RATIO_32, modulo 2^32. */
  static int hash32(int value, int bits) {
    return (value * GOLDEN_RATIO_32) >>> (32 - bits);
  }

  /**
   * A 64-bit mix with full avalanche (MurmurHash3's fmix64). vsd's stand-in for the kernel's hsiphash in mh:
   * the kernel keys siphash with fixed constants, so it is no secret either; any well-mixed deterministic hash
   * gives Maglev its properties.
   */
  static long mix64(long z) {
    z = (z ^ (z >>> 33)) * 0xff51afd7ed558ccdL;
    z = (z ^ (z >>> 33)) * 0xc4ceb9fe1a85ec53L;
    return z ^ (z >>> 33);
  }

  /** A 64-bit hash of a real server's whole address (all 16 bytes of IPv6) and port, under {@code seed}. */
  static long endpoint(InetAddress address, int port, long seed) {
    byte[] b = address.getAddress();
    long h = mix64(seed ^ b.length);
    for (int i = 0; i < b.length; i += 4) {
      long word = ((b[i] & 0xffL) << 24) | ((b[i + 1] & 0xffL) << 16) | ((b[i + 2] & 0xffL) << 8) | (b[i + 3] & 0xffL);
      h = mix64(h ^ word);
    }
    return mix64(h ^ port);
  }

  /** {@code hash} reduced to [0, m) by a multiply (Lemire's reduction): no division on the pick path. */
  static int reduce(long hash, int m) {
    return (int) (((hash >>> 32) * m) >>> 32);
  }
}
