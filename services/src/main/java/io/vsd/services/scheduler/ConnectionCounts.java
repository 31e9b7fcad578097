package io.vsd.services.scheduler;

import java.util.concurrent.atomic.AtomicInteger;

/**
 * A real server's live connection counts on this director, IPVS's activeconns and inactconns, and its
 * OVERLOAD flag. One instance lives as long as the real server stays in its service, across snapshots, so
 * an edit keeps the counts. Updated by the data plane from any event loop, hence the atomics.
 */
public final class ConnectionCounts {
  private final AtomicInteger active = new AtomicInteger();
  private final AtomicInteger inactive = new AtomicInteger();
  private volatile boolean overloaded;
  /** The service-wide total this server's active connections are part of; set once (see ServiceLoad). */
  private volatile ServiceLoad serviceLoad;

  public int active() {
    return active.get();
  }

  public int inactive() {
    return inactive.get();
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
      load.add(active.get());
    }
  }

  /** A connection to this server is being opened: it counts as active (IPVS's ip_vs_bind_dest). */
  void opened(int upper) {
    int total = active.incrementAndGet() + inactive.get();
    addToService(1);
    if (upper > 0 && total >= upper) {
      overloaded = true;
    }
  }

  /** One side closed: the connection moves from ActiveConn to InActConn. */
  void halfClosed() {
    active.decrementAndGet();
    addToService(-1);
    inactive.incrementAndGet();
  }

  /** The connection is gone (IPVS's ip_vs_unbind_dest). */
  void closed(boolean wasActive, int upper, int lower) {
    if (wasActive) {
      active.decrementAndGet();
      addToService(-1);
    } else {
      inactive.decrementAndGet();
    }
    int total = active.get() + inactive.get();
    if (lower > 0) {
      if (total < lower) {
        overloaded = false;
      }
    } else if (upper > 0) {
      if (total * 4L < upper * 3L) {
        overloaded = false;
      }
    } else {
      overloaded = false;
    }
  }

  private void addToService(int delta) {
    ServiceLoad load = serviceLoad;
    if (load != null) {
      load.add(delta);
    }
  }
}
