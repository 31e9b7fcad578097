package io.vsd.services.scheduler;

import java.util.List;

/**
 * fo: the available server with the highest weight; ties go to the first (ip_vs_fo.c). The servers are
 * sorted once, when the snapshot is built, so a pick stops at the first available one.
 */
final class WeightedFailover implements Scheduler {
  private final Destination[] byWeight;

  WeightedFailover(List<Destination> destinations) {
    this.byWeight = ByWeight.highestFirst(destinations);
  }

  @Override
  public Destination pick(PickContext context) {
    for (Destination d : byWeight) {
      if (d.available(context)) {
        return d;
      }
    }
    return null;
  }

  static final class Factory implements SchedulerFactory {
    @Override
    public String name() {
      return "fo";
    }

    @Override
    public Scheduler create(List<Destination> destinations, SchedulerConfig config) {
      return new WeightedFailover(destinations);
    }
  }
}
