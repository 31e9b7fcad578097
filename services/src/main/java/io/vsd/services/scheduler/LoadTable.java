package io.vsd.services.scheduler;

import io.vsd.services.model.RealServer;
import java.util.List;

/**
 * The real servers of a snapshot laid out for schedulers that scan every server on each pick (lc, wlc, sed,
 * nq, twos): weights in an int array, and where each server's counts word lies in its service's slab (see
 * {@link ConnectionCounts}), so a scan of 1000 servers reads two small arrays and one slab, and follows no
 * pointer per server.
 *
 * <p>Availability is checked server by server (OVERLOAD flag, passive detection, the tried list) only when
 * it may fail: when something was tried for the connection, or when the service's {@link ServiceLoad} counts
 * a flagged server. Otherwise weight above 0 is all that makes a server available.
 */
final class LoadTable {
  final Destination[] destinations;
  final ConnectionCounts[] counts;
  final int[] weights;
  /** 1f / weight, for {@link LoadScan}'s first pass (straight scans only, where every weight is above 0). */
  final float[] inverses;
  /** The slab page all the servers' words lie in, or null when they lie in more than one (see {@link #pages}). */
  final long[] cells;
  /** The int shadows of {@link #cells}, index for index: overheads and active counts (null when cells is). */
  final int[] overheads;
  final int[] actives;
  /** Each server's page, used only when {@link #cells} is null. */
  final long[][] pages;
  /** Each server's cell in its page. */
  final int[] slots;
  /**
   * When every server has weight above 0 (and at most the API's 65535, which {@link LoadScan}'s tests rely on)
   * and server i's word is {@code cells[run + i]} (the servers joined in their order, the usual case):
   * {@code run}, and a scan with nothing to check reads the slab straight through ({@link LoadScan}).
   * Otherwise -1.
   */
  final int run;
  /** The one ServiceLoad every server's counts and passive detection report to, or null when there is not one. */
  private final ServiceLoad load;

  LoadTable(List<Destination> list) {
    destinations = list.toArray(Destination[]::new);
    int n = destinations.length;
    counts = new ConnectionCounts[n];
    weights = new int[n];
    pages = new long[n][];
    slots = new int[n];
    long[] onePage = null;
    int[] oneOverheads = null;
    int[] oneActives = null;
    boolean samePage = true;
    ServiceLoad shared = n == 0 ? null : destinations[0].counts().serviceLoad();
    for (int i = 0; i < n; i++) {
      Destination d = destinations[i];
      counts[i] = d.counts();
      weights[i] = d.weight();
      ConnectionCounts.Slot s = d.counts().slot();
      pages[i] = s.cells();
      slots[i] = s.index();
      if (i == 0) {
        onePage = s.cells();
        oneOverheads = s.overheads();
        oneActives = s.actives();
      } else if (s.cells() != onePage) {
        samePage = false;
      }
      ServiceLoad passiveLoad = d.passive().serviceLoad();
      if (d.counts().serviceLoad() != shared || passiveLoad != null && passiveLoad != shared) {
        shared = null;
      }
    }
    cells = samePage ? onePage : null;
    overheads = samePage ? oneOverheads : null;
    actives = samePage ? oneActives : null;
    load = shared;
    boolean straight = samePage && n > 0 && oneOverheads != null; // a private cell has no shadows
    for (int i = 0; i < n && straight; i++) {
      straight = weights[i] > 0 && weights[i] <= RealServer.MAX_WEIGHT && slots[i] == slots[0] + i;
    }
    run = straight ? slots[0] : -1;
    inverses = new float[n];
    for (int i = 0; i < n && straight; i++) {
      inverses[i] = 1f / weights[i];
    }
  }

  int size() {
    return destinations.length;
  }

  /**
   * Whether this pick must check availability server by server with {@link #available}: something was tried
   * for the connection, or some server may be OVERLOADED or passive-down. Read once per pick.
   */
  boolean mustCheck(PickContext context) {
    return context.triedCount() > 0 || load == null || load.anyFlagged();
  }

  /**
   * {@link Destination#available} for server i. {@code anyTried} is {@code context.triedCount() > 0}, read
   * once per pick: almost every pick is a first try, and skips the tried list.
   */
  boolean available(int i, PickContext context, boolean anyTried) {
    return weights[i] > 0 && !counts[i].overloadedNow() && !destinations[i].passive().down()
        && !(anyTried && context.excludes(destinations[i]));
  }
}
