package io.vsd.services.scheduler;

import java.util.List;

/**
 * wlc, ipvsadm's default: the least overhead / weight, compared by cross-multiplication so there is no
 * division. Take the first available server, then replace it only when another is strictly better.
 */
final class WeightedLeastConnection implements Scheduler {
  private final Destination[] destinations;

  WeightedLeastConnection(List<Destination> destinations) {
    this.destinations = destinations.toArray(Destination[]::new);
  }

  @Override
  public Destination pick(PickContext context) {
    return least(destinations, context);
  }

  /** The wlc choice among {@code destinations}; lblc and lblcr fall back to it. */
  static Destination least(Destination[] destinations, PickContext context) {
    Destination least = null;
    long leastOverhead = 0;
    for (Destination d : destinations) {
      if (!d.available(context)) {
        continue;
      }
      long overhead = d.overhead();
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
      return "wlc";
    }

    @Override
    public Scheduler create(List<Destination> destinations, SchedulerConfig config) {
      return new WeightedLeastConnection(destinations);
    }
  }
}
