package io.vsd.services.scheduler;

import java.lang.invoke.MethodHandles;
import java.lang.invoke.VarHandle;

/**
 * A real server's live connection counts on this director, IPVS's activeconns and inactconns, and its
 * OVERLOAD flag. One instance lives as long as the real server stays in its service, across snapshots, so
 * an edit keeps the counts. Updated by the data plane from any event loop, hence the atomics.
 *
 * <p>Both counts live in one word, {@code active << 32 | inactive}, changed by one atomic add, so a reader
 * sees both at once and a half-close moves a connection from one count to the other at once.
 *
 * <p>The word is not a field of this object but a cell of a {@code long[]}: until the counts join a service
 * (the first snapshot that holds them, see {@link ServiceLoad#attach}), a private one-cell array; from then
 * on, for life, one cell of the service's slab, where the words of the service's servers lie side by side.
 * A scan of 1000 servers then reads one array of 8 KB instead of following 1000 pointers to objects spread
 * over the heap. The move into the slab happens once, on the thread that builds snapshots, and is safe
 * against the data plane updating the counts at the same moment: the private cell is sealed with one atomic
 * swap, its value copied into the slab, and the new place published; an update that finds the seal waits
 * for that publication (a few instructions) and goes to the slab.
 *
 * <p>A slab cell's word has two int shadows, kept by the same updates: the overhead (active * 256 + inactive)
 * in the slab's {@code overheads} array and the active count in its {@code actives} array, so that lc and wlc,
 * and sed and nq, scan 32-bit lanes (8 per AVX2 vector, no narrowing; see {@link LoadScan}). Each shadow is
 * changed by its own atomic add after the word's, so a scan may see it one event behind the word, as it may
 * see any count change during the scan; between events it is exactly the word's. The word stays the truth for
 * everything else (the counts shown, the thresholds). The shadows get their first value in the move into the
 * slab, before the new place is published, so no update is lost to them either.
 */
public final class ConnectionCounts {
  private static final VarHandle CELLS = MethodHandles.arrayElementVarHandle(long[].class);
  private static final VarHandle INTS = MethodHandles.arrayElementVarHandle(int[].class);
  private static final VarHandle SLOT;
  private static final VarHandle OVERLOADED;
  /** A private cell whose word has moved to the service's slab; never a real word (active would be -2^31). */
  private static final long SEALED = Long.MIN_VALUE;

  static {
    try {
      SLOT = MethodHandles.lookup().findVarHandle(ConnectionCounts.class, "slot", Slot.class);
      OVERLOADED = MethodHandles.lookup().findVarHandle(ConnectionCounts.class, "overloaded", boolean.class);
    } catch (ReflectiveOperationException e) {
      throw new ExceptionInInitializerError(e);
    }
  }

  /**
   * Where the word is. {@code sealable} only for the private cell: a slab cell never moves, so its updates
   * are a plain atomic add. A slab cell also has its overhead and its active count in the slab's two int
   * arrays, at the same index (null for the private cell: nothing scans it).
   */
  record Slot(long[] cells, int[] overheads, int[] actives, int index, boolean sealable) {}

  private volatile Slot slot = new Slot(new long[1], null, null, 0, true);
  private volatile boolean overloaded;
  /** The service-wide total this server's active connections are part of; set once (see ServiceLoad). */
  private volatile ServiceLoad serviceLoad;

  public int active() {
    return (int) (word() >> 32);
  }

  public int inactive() {
    return (int) word();
  }

  private long word() {
    for (;;) {
      Slot s = slot;
      long c = (long) CELLS.getVolatile(s.cells, s.index);
      if (c != SEALED) {
        return c;
      }
      Thread.onSpinWait(); // being moved into the slab: the new slot is about to be published
    }
  }

  /** The word's place, for a scheduler's scan: a slab cell once {@link #attach}ed. */
  Slot slot() {
    return slot;
  }

  /** IPVS's ip_vs_dest_conn_overhead, active * 256 + inactive, from a word read by a scan. */
  static int overhead(long word) {
    return (int) (word >> 32) * 256 + (int) word;
  }

  /** active + 1, sed's and nq's load, from a word read by a scan. */
  static int activePlusOne(long word) {
    return (int) (word >> 32) + 1;
  }

  /*
   * The scheduler's reads are opaque: atomic and fresh, but without the ordering of a volatile read, which a
   * scan does not need (it orders nothing by them) and which would stop the JIT from keeping the scan's
   * arrays and bounds in registers across a loop of 1000 servers.
   */

  /** The word in a slab cell, as a scan reads it. */
  static long wordAt(long[] cells, int index) {
    return (long) CELLS.getOpaque(cells, index);
  }

  /** IPVS's ip_vs_dest_conn_overhead: active * 256 + inactive, from one read of both counts. */
  int overhead() {
    return overhead(word());
  }

  /** {@link #overloaded()}, for a scan. */
  boolean overloadedNow() {
    return (boolean) OVERLOADED.getOpaque(this);
  }

  public boolean overloaded() {
    return overloaded;
  }

  ServiceLoad serviceLoad() {
    return serviceLoad;
  }

  /**
   * Joins {@code load}: the word moves into a cell of the service's slab, and the connections counted so far
   * (none, outside tests and the sorry server) join the service's total. No-op once joined. Called by the
   * thread that builds snapshots.
   */
  synchronized void attach(ServiceLoad load) {
    if (serviceLoad != null) {
      return;
    }
    Slot old = slot;
    Slot moved = load.allocate();
    long c = (long) CELLS.getAndSet(old.cells, old.index, SEALED);
    CELLS.setVolatile(moved.cells, moved.index, c);
    INTS.setVolatile(moved.overheads, moved.index, overhead(c));
    INTS.setVolatile(moved.actives, moved.index, (int) (c >> 32));
    SLOT.setVolatile(this, moved); // from here on, updates go to the word and both shadows
    serviceLoad = load;
    load.add((int) (word() >> 32));
    if (overloaded) {
      load.addOverloaded(1);
    }
  }

  /**
   * Adds {@code active} and {@code inactive} to the counts: to the word, and in a slab cell to its shadows;
   * returns the new word.
   */
  private long add(int active, int inactive) {
    long delta = ((long) active << 32) + inactive;
    for (;;) {
      Slot s = slot;
      if (!s.sealable) {
        long c = (long) CELLS.getAndAdd(s.cells, s.index, delta) + delta;
        INTS.getAndAdd(s.overheads, s.index, active * 256 + inactive);
        if (active != 0) {
          INTS.getAndAdd(s.actives, s.index, active);
        }
        return c;
      }
      long c = (long) CELLS.getVolatile(s.cells, s.index);
      if (c == SEALED) {
        Thread.onSpinWait(); // being moved into the slab: retry there
      } else if (CELLS.compareAndSet(s.cells, s.index, c, c + delta)) {
        return c + delta;
      }
    }
  }

  /** A connection to this server is being opened: it counts as active (IPVS's ip_vs_bind_dest). */
  void opened(int upper) {
    long c = add(1, 0);
    int total = (int) (c >> 32) + (int) c;
    addToService(1);
    if (upper > 0 && total >= upper) {
      setOverloaded(true);
    }
  }

  /** One side closed: the connection moves from ActiveConn to InActConn. */
  void halfClosed() {
    add(-1, 1);
    addToService(-1);
  }

  /** The connection is gone (IPVS's ip_vs_unbind_dest). */
  void closed(boolean wasActive, int upper, int lower) {
    long c;
    if (wasActive) {
      c = add(-1, 0);
      addToService(-1);
    } else {
      c = add(0, -1);
    }
    int total = (int) (c >> 32) + (int) c;
    if (lower > 0) {
      if (total < lower) {
        setOverloaded(false);
      }
    } else if (upper > 0) {
      if (total * 4L < upper * 3L) {
        setOverloaded(false);
      }
    } else {
      setOverloaded(false);
    }
  }

  /** Flips the flag once per transition, so that ServiceLoad's count of OVERLOADED servers stays exact. */
  private void setOverloaded(boolean value) {
    if (overloaded != value && OVERLOADED.compareAndSet(this, !value, value)) {
      ServiceLoad load = serviceLoad;
      if (load != null) {
        load.addOverloaded(value ? 1 : -1);
      }
    }
  }

  private void addToService(int delta) {
    ServiceLoad load = serviceLoad;
    if (load != null) {
      load.add(delta);
    }
  }
}
