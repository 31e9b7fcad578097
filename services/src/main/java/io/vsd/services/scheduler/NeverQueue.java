package io.vsd.services.scheduler;

import java.util.List;

/**
 * nq: the first available server with no active connection, at once; when every server is busy, the sed rule
 * (ip_vs_nq.c). An idle server is never made to queue behind a faster busy one.
 */
final class NeverQueue implements Scheduler {
  private final Destination[] destinations;

  NeverQueue(List<Destination> destinations) {
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
      int active = d.counts().active();
      if (active == 0) {
        return d;
      }
      long overhead = active + 1L;
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
      return "nq";
    }

    @Override
    public Scheduler create(List<Destination> destinations, SchedulerConfig config) {
      return new NeverQueue(destinations);
    }
  }
}
