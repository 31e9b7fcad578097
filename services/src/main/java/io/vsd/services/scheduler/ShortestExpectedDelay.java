package io.vsd.services.scheduler;

import java.util.List;

/**
 * sed: wlc with the expected delay {@code (activeconns + 1) / weight} as the load; inactive connections are
 * ignored. The first available server, replaced only by a strictly better one (ip_vs_sed.c).
 */
final class ShortestExpectedDelay implements Scheduler {
  private final Destination[] destinations;

  ShortestExpectedDelay(List<Destination> destinations) {
    this.destinations = destinations.toArray(Destination[]::new);
  }

  @Override
  public Destination pick(PickContext context) {
    Destination least = null;
    long leastOverhead = 0;
    for (Destination d : destinations) {
      if (!d.available(context)) {
        continue;
      }
      long overhead = d.counts().active() + 1L;
      if (least == null || leastOverhead * d.weight() > overhead * least.weight()) {
        least = d;
        leastOverhead = overhead;
      }
    }
    return least;
  }

  static final class Factory implements SchedulerFactory {
    @Override
    public String name() {
      return "sed";
    }

    @Override
    public Scheduler create(List<Destination> destinations, SchedulerConfig config) {
      return new ShortestExpectedDelay(destinations);
    }
  }
}
