package io.vsd.services.scheduler;

import java.util.List;

/** lc: the available server with the least overhead (active * 256 + inactive); ties go to the first. */
final class LeastConnection implements Scheduler {
  private final Destination[] destinations;

  LeastConnection(List<Destination> destinations) {
    this.destinations = destinations.toArray(Destination[]::new);
  }

  @Override
  public Destination pick(PickContext context) {
    Destination least = null;
    int leastOverhead = 0;
    for (Destination d : destinations) {
      if (!d.available(context)) {
        continue;
      }
      int overhead = d.overhead();
      if (least == null || overhead < leastOverhead) {
        least = d;
        leastOverhead = overhead;
      }
    }
    return least;
  }

  static final class Factory implements SchedulerFactory {
    @Override
    public String name() {
      return "lc";
    }

    @Override
    public Scheduler create(List<Destination> destinations, SchedulerConfig config) {
      return new LeastConnection(destinations);
    }
  }
}
