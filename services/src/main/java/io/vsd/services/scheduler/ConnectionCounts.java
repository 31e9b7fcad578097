package io.vsd.services.scheduler;

import java.lang.invoke.MethodHandles;
import java.lang.invoke.VarHandle;

/**
 * A real server's live connection counts on this director, IPVS's activeconns and inactconns, and its
 * OVERLOAD flag. One instance lives as long as the real server stays in its service, across snapshots, so
 * an edit keeps the counts. Updated by the data plane from any event loop, hence the atomics.
 *
 * <p>Both counts live in one word, {@code active << 32 | inactive}, changed by one atomic add: the lc
 * family reads a server's overhead in one load, with no pointer to follow, and a half-close moves a
 * connection from one count to the other at once.
 */
public final class ConnectionCounts {
  private static final VarHandle COUNTS;
  private static final VarHandle OVERLOADED;
  private static final long ONE_ACTIVE = 1L << 32;
  private static final long ONE_INACTIVE = 1L;

  static {
    try {
      COUNTS = MethodHandles.lookup().findVarHandle(ConnectionCounts.class, "counts", long.class);
      OVERLOADED = MethodHandles.lookup().findVarHandle(ConnectionCounts.class, "overloaded", boolean.class);
    } catch (ReflectiveOperationException e) {
      throw new ExceptionInInitializerError(e);
    }
  }

  private volatile long counts;
  private volatile boolean overloaded;
  /** The service-wide total this server's active connections are part of; set once (see ServiceLoad). */
  private volatile ServiceLoad serviceLoad;

  public int active() {
    return (int) (counts >> 32);
  }

  public int inactive() {
    return (int) counts;
  }

  /*
   * The scheduler's reads below are opaque: atomic and fresh, but without the ordering of a volatile read,
   * which a scan does not need (it orders nothing by them) and which would stop the JIT from keeping the
   * scan's arrays and bounds in registers across a loop of 1000 servers.
   */

  /** IPVS's ip_vs_dest_conn_overhead: active * 256 + inactive, from one read of both counts. */
  int overhead() {
    long c = (long) COUNTS.getOpaque(this);
    return (int) (c >> 32) * 256 + (int) c;
  }

  /** active + 1, sed's and nq's load. */
  int activePlusOne() {
    return (int) ((long) COUNTS.getOpaque(this) >> 32) + 1;
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

  /** Joins {@code load}, bringing in the connections counted so far (none, outside tests). No-op once joined. */
  void attach(ServiceLoad load) {
    if (serviceLoad == null) {
      serviceLoad = load;
      load.add(active());
      if (overloaded) {
        load.addOverloaded(1);
      }
    }
  }

  /** A connection to this server is being opened: it counts as active (IPVS's ip_vs_bind_dest). */
  void opened(int upper) {
    long c = (long) COUNTS.getAndAdd(this, ONE_ACTIVE) + ONE_ACTIVE;
    int total = (int) (c >> 32) + (int) c;
    addToService(1);
    if (upper > 0 && total >= upper) {
      setOverloaded(true);
    }
  }

  /** One side closed: the connection moves from ActiveConn to InActConn. */
  void halfClosed() {
    COUNTS.getAndAdd(this, ONE_INACTIVE - ONE_ACTIVE);
    addToService(-1);
  }

  /** The connection is gone (IPVS's ip_vs_unbind_dest). */
  void closed(boolean wasActive, int upper, int lower) {
    long c;
    if (wasActive) {
      c = (long) COUNTS.getAndAdd(this, -ONE_ACTIVE) - ONE_ACTIVE;
      addToService(-1);
    } else {
      c = (long) COUNTS.getAndAdd(this, -ONE_INACTIVE) - ONE_INACTIVE;
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
