package io.vsd.services.scheduler;

import java.util.List;

/**
 * The real servers of a snapshot laid out for schedulers that scan every server on each pick (lc, wlc, sed,
 * nq, twos): weights in an int array, and the live counts one reference away, so a scan of 1000 servers
 * follows 1000 pointers rather than 3000.
 */
final class LoadTable {
  final Destination[] destinations;
  final ConnectionCounts[] counts;
  final int[] weights;

  LoadTable(List<Destination> list) {
    destinations = list.toArray(Destination[]::new);
    counts = new ConnectionCounts[destinations.length];
    weights = new int[destinations.length];
    for (int i = 0; i < destinations.length; i++) {
      counts[i] = destinations[i].counts();
      weights[i] = destinations[i].weight();
    }
  }

  int size() {
    return destinations.length;
  }

  /**
   * {@link Destination#available} for server i. {@code anyTried} is {@code context.triedCount() > 0}, read
   * once per pick: almost every pick is a first try, and skips the tried list.
   */
  boolean available(int i, PickContext context, boolean anyTried) {
    return weights[i] > 0 && !counts[i].overloadedNow() && !(anyTried && context.excludes(destinations[i]));
  }
}
