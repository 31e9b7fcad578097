package io.vsd.services.scheduler;

import io.vsd.services.model.VirtualService;
import java.util.Set;
import java.util.function.LongSupplier;

/**
 * A service's scheduler options, read once when its routing snapshot is built.
 *
 * @param flags         the scheduler flags (ipvsadm -b), all known to the scheduler
 * @param mhTableSize   the Maglev lookup table size M of mh and chb: a prime in 251..131071
 * @param balanceFactor chb's bound on a server's load, in percent of the average (HAProxy's hash-balance-factor)
 * @param clock         milliseconds from an arbitrary origin; lblc and lblcr expire their entries by it
 */
public record SchedulerConfig(Set<String> flags, int mhTableSize, int balanceFactor, LongSupplier clock) {

  /** The kernel's default (CONFIG_IP_VS_MH_TAB_INDEX 12). */
  public static final int DEFAULT_MH_TABLE_SIZE = VirtualService.DEFAULT_MH_TABLE_SIZE;
  public static final int MIN_MH_TABLE_SIZE = 251;
  public static final int MAX_MH_TABLE_SIZE = 131071;
  /** 1.25 × the average, the low end of the 125–200 % that HAProxy's documentation calls sensible. */
  public static final int DEFAULT_BALANCE_FACTOR = VirtualService.DEFAULT_HASH_BALANCE_FACTOR;
  public static final int MIN_BALANCE_FACTOR = 100;
  public static final int MAX_BALANCE_FACTOR = 65535;

  /** Monotonic, so a wall-clock step cannot expire every lblc entry at once. */
  public static final LongSupplier MONOTONIC_MILLIS = () -> System.nanoTime() / 1_000_000;

  public static final SchedulerConfig DEFAULT = of(Set.of());

  public SchedulerConfig {
    flags = Set.copyOf(flags);
    if (!isValidMhTableSize(mhTableSize)) {
      throw new IllegalArgumentException("mh table size must be a prime between " + MIN_MH_TABLE_SIZE + " and "
          + MAX_MH_TABLE_SIZE + ", got " + mhTableSize);
    }
    if (balanceFactor < MIN_BALANCE_FACTOR || balanceFactor > MAX_BALANCE_FACTOR) {
      throw new IllegalArgumentException("hash balance factor must be between " + MIN_BALANCE_FACTOR + " and "
          + MAX_BALANCE_FACTOR + ", got " + balanceFactor);
    }
  }

  /** The defaults, with these flags. */
  public static SchedulerConfig of(Set<String> flags) {
    return new SchedulerConfig(flags, DEFAULT_MH_TABLE_SIZE, DEFAULT_BALANCE_FACTOR, MONOTONIC_MILLIS);
  }

  /** The options of a configured service, on the monotonic clock. */
  public static SchedulerConfig of(VirtualService service) {
    return new SchedulerConfig(Set.copyOf(service.flags()), service.mhTableSize(), service.hashBalanceFactor(),
        MONOTONIC_MILLIS);
  }

  public SchedulerConfig withMhTableSize(int size) {
    return new SchedulerConfig(flags, size, balanceFactor, clock);
  }

  public SchedulerConfig withBalanceFactor(int factor) {
    return new SchedulerConfig(flags, mhTableSize, factor, clock);
  }

  public SchedulerConfig withClock(LongSupplier millis) {
    return new SchedulerConfig(flags, mhTableSize, balanceFactor, millis);
  }

  public boolean has(String flag) {
    return flags.contains(flag);
  }

  /**
   * A Maglev table needs a prime size, so that every server's skip walks the whole table. The kernel offers
   * ten primes between 251 and 131071 at compile time; vsd takes any prime in that range (65537 included).
   */
  public static boolean isValidMhTableSize(int m) {
    if (m < MIN_MH_TABLE_SIZE || m > MAX_MH_TABLE_SIZE) {
      return false;
    }
    for (int d = 2; (long) d * d <= m; d++) {
      if (m % d == 0) {
        return false;
      }
    }
    return true;
  }
}
