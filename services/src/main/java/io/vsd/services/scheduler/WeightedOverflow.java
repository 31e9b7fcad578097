package io.vsd.services.scheduler;

import java.util.List;

/**
 * ovf: skip the servers whose active connections exceed their weight; of the rest, the highest weight, ties
 * to the first (ip_vs_ovf.c). The weight is used as a connection limit, and traffic overflows down the list.
 */
final class WeightedOverflow implements Scheduler {
  private final Destination[] byWeight;

  WeightedOverflow(List<Destination> destinations) {
    this.byWeight = ByWeight.highestFirst(destinations);
  }

  @Override
  public Destination pick(PickContext context) {
    for (Destination d : byWeight) {
      if (d.available(context) && d.counts().active() <= d.weight()) {
        return d;
      }
    }
    return null;
  }

  static final class Factory implements SchedulerFactory {
    @Override
    public String name() {
      return "ovf";
    }

    @Override
    public Scheduler create(List<Destination> destinations, SchedulerConfig config) {
      return new WeightedOverflow(destinations);
    }
  }
}
