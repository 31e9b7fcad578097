package io.vsd.services.scheduler;

import java.util.List;

/**
 * dh (ip_vs_dh.c): a static table of 256 buckets, one server per bucket in rotation (weight is not used),
 * indexed by {@code hash_32(destination IP, 8)}. The destination IP is the virtual service address the
 * client reached. An unavailable server means no pick.
 */
final class DestinationHashing implements Scheduler {
  private static final int BITS = 8;
  private static final int SIZE = 1 << BITS;

  private final Destination[] buckets = new Destination[SIZE];

  DestinationHashing(List<Destination> destinations) {
    if (!destinations.isEmpty()) {
      for (int i = 0; i < SIZE; i++) {
        buckets[i] = destinations.get(i % destinations.size());
      }
    }
  }

  @Override
  public Destination pick(PickContext context) {
    Destination d = buckets[HashKeys.hash32(context.virtualFold(), BITS)];
    return d != null && d.available(context) ? d : null;
  }

  static final class Factory implements SchedulerFactory {
    @Override
    public String name() {
      return "dh";
    }

    @Override
    public Scheduler create(List<Destination> destinations, SchedulerConfig config) {
      return new DestinationHashing(destinations);
    }
  }
}
