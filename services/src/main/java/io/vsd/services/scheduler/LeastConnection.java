package io.vsd.services.scheduler;

import java.util.List;

/** lc: the available server with the least overhead (active * 256 + inactive); ties go to the first. */
final class LeastConnection implements Scheduler {
  private final LoadTable servers;

  LeastConnection(List<Destination> destinations) {
    this.servers = new LoadTable(destinations);
  }

  @Override
  public Destination pick(PickContext context) {
    boolean anyTried = context.triedCount() > 0;
    int[] weights = servers.weights;
    ConnectionCounts[] counts = servers.counts;
    int least = -1;
    int leastOverhead = Integer.MAX_VALUE;
    for (int i = 0; i < counts.length; i++) {
      ConnectionCounts c = counts[i];
      if (weights[i] <= 0 || c.overloadedNow() || anyTried && context.excludes(servers.destinations[i])) {
        continue;
      }
      int overhead = c.overhead();
      if (least < 0 || overhead < leastOverhead) {
        least = i;
        leastOverhead = overhead;
      }
    }
    return least < 0 ? null : servers.destinations[least];
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
