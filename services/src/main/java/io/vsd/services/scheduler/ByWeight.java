package io.vsd.services.scheduler;

import java.util.Arrays;
import java.util.Comparator;
import java.util.List;

/** The real servers sorted by weight, highest first, ties in the order they were added (a stable sort). */
final class ByWeight {
  private ByWeight() {}

  static Destination[] highestFirst(List<Destination> destinations) {
    Destination[] sorted = destinations.toArray(Destination[]::new);
    Arrays.sort(sorted, Comparator.comparingInt(Destination::weight).reversed());
    return sorted;
  }
}
