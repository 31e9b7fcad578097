package io.vsd.services.scheduler;

import java.util.List;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * What one virtual service's real servers share on this director: the slab their connection counts live in,
 * the service's active connections, kept as they change (chb reads the total in one load instead of summing
 * every real server on each pick), and how many of its servers are OVERLOADED or taken out by passive
 * detection (while both are 0, the lc family and twos skip those checks server by server).
 *
 * <p>Every {@link ConnectionCounts} of a service points to the service's one ServiceLoad. A count is attached
 * when the first snapshot that holds it is built, so no connection of it is missed; an attached count keeps
 * its ServiceLoad, and its cell of the slab, for life. A real server removed from the service stays
 * attached: its last connections still count until they close, as they still load the service.
 *
 * <p>The two flag counts are never below the number of servers flagged: a flag that changes while its server
 * joins may be counted twice (then the scans check every server, which is only slower), never missed.
 */
final class ServiceLoad {
  private final AtomicInteger active = new AtomicInteger();
  /** How many of the service's real servers are OVERLOADED now: 0 lets twos skip its availability scan. */
  private final AtomicInteger overloaded = new AtomicInteger();
  /** How many of the service's real servers are taken out by passive detection now. */
  private final AtomicInteger passiveDown = new AtomicInteger();
  /**
   * The slab: the counts words of the service's servers, in the order they joined. When a page is full, the
   * next servers get a new one, twice as large; the words already placed never move.
   */
  private long[] page;
  /** The words' int shadows, index for index (see {@link ConnectionCounts}): overheads, and active counts. */
  private int[] overheadPage;
  private int[] activePage;
  private int used;

  int active() {
    return active.get();
  }

  void add(int delta) {
    active.addAndGet(delta);
  }

  int overloaded() {
    return overloaded.get();
  }

  void addOverloaded(int delta) {
    overloaded.addAndGet(delta);
  }

  int passiveDown() {
    return passiveDown.get();
  }

  void addPassiveDown(int delta) {
    passiveDown.addAndGet(delta);
  }

  /** Whether a scan must check each server's OVERLOAD and passive flags: some may be set. */
  boolean anyFlagged() {
    return overloaded.get() != 0 || passiveDown.get() != 0;
  }

  /** A cell of the slab for a server that joins. */
  synchronized ConnectionCounts.Slot allocate() {
    reserve(1);
    return new ConnectionCounts.Slot(page, overheadPage, activePage, used++, false);
  }

  /** Attaches the counts of one service's real servers to the service's ServiceLoad (a new one if none yet). */
  static ServiceLoad attach(List<Destination> destinations) {
    ServiceLoad load = null;
    int joining = 0;
    for (Destination d : destinations) {
      if (d.counts().serviceLoad() == null) {
        joining++;
      } else if (load == null) {
        load = d.counts().serviceLoad();
      }
    }
    if (load == null) {
      load = new ServiceLoad();
    }
    if (joining > 0) {
      load.reserve(joining);
    }
    for (Destination d : destinations) {
      d.counts().attach(load);
      d.passive().attach(d.counts().serviceLoad());
    }
    return load;
  }

  /** Makes sure the next {@code n} servers to join get cells of one page, side by side. */
  private synchronized void reserve(int n) {
    if (page == null || page.length - used < n) {
      page = new long[Math.max(16, Math.max(2 * n, page == null ? 0 : 2 * page.length))];
      overheadPage = new int[page.length];
      activePage = new int[page.length];
      used = 0;
    }
  }
}
