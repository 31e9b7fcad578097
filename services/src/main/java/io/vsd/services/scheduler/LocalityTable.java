package io.vsd.services.scheduler;

import java.lang.invoke.MethodHandles;
import java.lang.invoke.VarHandle;
import java.net.InetAddress;
import java.util.Arrays;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.atomic.AtomicReferenceArray;
import java.util.function.LongSupplier;

/**
 * lblc's and lblcr's table: destination IP → V, with the kernel's sizes and expiry (ip_vs_lblc.c): 1024
 * buckets, a garbage collection every 60 s that removes the entries idle for the expiration time (24 h), and
 * that, while there are more than 16384 entries, also removes entries idle for 6 minutes (at most
 * (entries − 16384) × 4/3 of them, and at most 8192).
 *
 * <p>Lock-free, for picks on every event loop at once: each bucket is an immutable array replaced by
 * compare-and-set, an entry's value is replaced by compare-and-set, and a lookup only reads. There is no timer
 * thread: the first pick after a collection falls due runs it, and only the pick that wins the
 * compare-and-set on the due time does.
 */
final class LocalityTable<V> {
  static final int BITS = 10;
  static final int SIZE = 1 << BITS;
  static final int MAX_ENTRIES = SIZE * 16;
  static final long CHECK_INTERVAL_MILLIS = 60_000;
  static final long ENTRY_TIMEOUT_MILLIS = 6 * 60_000;
  static final long DEFAULT_EXPIRATION_MILLIS = 24 * 60 * 60_000L;

  /** One destination IP. The key is fixed; the value and the time of last use change. */
  static final class Entry<V> {
    private static final VarHandle VALUE;

    static {
      try {
        VALUE = MethodHandles.lookup().findVarHandle(Entry.class, "value", Object.class);
      } catch (ReflectiveOperationException e) {
        throw new ExceptionInInitializerError(e);
      }
    }

    final InetAddress key;
    private volatile Object value;
    volatile long lastUse;

    Entry(InetAddress key, V value, long now) {
      this.key = key;
      this.value = value;
      this.lastUse = now;
    }

    @SuppressWarnings("unchecked")
    V value() {
      return (V) value;
    }

    void set(V v) {
      value = v;
    }

    boolean compareAndSet(V expected, V v) {
      return VALUE.compareAndSet(this, expected, v);
    }
  }

  @SuppressWarnings("rawtypes")
  private static final Entry[] EMPTY = new Entry[0];

  private final AtomicReferenceArray<Entry<V>[]> buckets = new AtomicReferenceArray<>(SIZE);
  private final AtomicInteger entries = new AtomicInteger();
  private final AtomicLong nextCollection;
  private final LongSupplier clock;
  private final long expiration;
  /** Where the next over-size trim starts, as the kernel's rover; only the collecting pick touches it. */
  private int rover;

  @SuppressWarnings("unchecked")
  LocalityTable(LongSupplier clock, long expirationMillis) {
    this.clock = clock;
    this.expiration = expirationMillis;
    for (int i = 0; i < SIZE; i++) {
      buckets.set(i, (Entry<V>[]) EMPTY);
    }
    this.nextCollection = new AtomicLong(clock.getAsLong() + CHECK_INTERVAL_MILLIS);
  }

  long now() {
    return clock.getAsLong();
  }

  long expiration() {
    return expiration;
  }

  int entries() {
    return entries.get();
  }

  /** ip_vs_lblc_hashkey: hash_32 of the folded address. */
  private static int bucket(int fold) {
    return HashKeys.hash32(fold, BITS);
  }

  Entry<V> get(InetAddress key, int fold) {
    for (Entry<V> e : buckets.get(bucket(fold))) {
      if (e.key.equals(key)) {
        return e;
      }
    }
    return null;
  }

  /** The entry of {@code key}: a new one holding {@code value}, or the one another pick has just added. */
  Entry<V> add(InetAddress key, int fold, V value, long now) {
    int b = bucket(fold);
    Entry<V> fresh = new Entry<>(key, value, now);
    while (true) {
      Entry<V>[] chain = buckets.get(b);
      for (Entry<V> e : chain) {
        if (e.key.equals(key)) {
          return e;
        }
      }
      Entry<V>[] next = Arrays.copyOf(chain, chain.length + 1);
      next[chain.length] = fresh;
      if (buckets.compareAndSet(b, chain, next)) {
        entries.incrementAndGet();
        return fresh;
      }
    }
  }

  /** Runs the garbage collection if it is due; cheap when it is not (one volatile read). */
  void collectIfDue(long now) {
    long due = nextCollection.get();
    if (now - due >= 0 && nextCollection.compareAndSet(due, now + CHECK_INTERVAL_MILLIS)) {
      collect(now);
    }
  }

  private void collect(long now) {
    removeIdle(now, expiration, Integer.MAX_VALUE, 0);
    int size = entries.get();
    if (size > MAX_ENTRIES) {
      int goal = Math.min((size - MAX_ENTRIES) * 4 / 3, MAX_ENTRIES / 2);
      rover = removeIdle(now, ENTRY_TIMEOUT_MILLIS, goal, rover);
    }
  }

  /** Removes up to {@code goal} entries idle for {@code idle} ms, from bucket {@code from}; returns where it stopped. */
  private int removeIdle(long now, long idle, int goal, int from) {
    int b = from;
    for (int i = 0; i < SIZE && goal > 0; i++, b = (b + 1) & (SIZE - 1)) {
      while (true) {
        Entry<V>[] chain = buckets.get(b);
        int stale = 0;
        for (Entry<V> e : chain) {
          if (now - e.lastUse >= idle) {
            stale++;
          }
        }
        if (stale == 0) {
          break;
        }
        Entry<V>[] kept = Arrays.copyOf(chain, chain.length - stale);
        int k = 0;
        for (Entry<V> e : chain) {
          if (now - e.lastUse < idle) {
            kept[k++] = e;
          }
        }
        if (buckets.compareAndSet(b, chain, kept)) {
          entries.addAndGet(kept.length - chain.length);
          goal -= chain.length - kept.length;
          break;
        }
      }
    }
    return b;
  }
}
