package io.vsd.services.scheduler;

import java.util.List;

/**
 * sed: wlc with the expected delay {@code (activeconns + 1) / weight} as the load; inactive connections are
 * ignored. The first available server, replaced only by a strictly better one (ip_vs_sed.c).
 */
final class ShortestExpectedDelay implements Scheduler {
  private final LoadTable servers;

  ShortestExpectedDelay(List<Destination> destinations) {
    this.servers = new LoadTable(destinations);
  }

  @Override
  public Destination pick(PickContext context) {
    boolean anyTried = context.triedCount() > 0;
    int[] weights = servers.weights;
    ConnectionCounts[] counts = servers.counts;
    int least = -1;
    long leastOverhead = 0;
    long leastWeight = 0;
    for (int i = 0; i < counts.length; i++) {
      ConnectionCounts c = counts[i];
      if (weights[i] <= 0 || c.overloadedNow() || anyTried && context.excludes(servers.destinations[i])) {
        continue;
      }
      long overhead = c.activePlusOne();
      if (least < 0 || leastOverhead * weights[i] > overhead * leastWeight) {
        least = i;
        leastOverhead = overhead;
        leastWeight = weights[i];
      }
    }
    return least < 0 ? null : servers.destinations[least];
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
