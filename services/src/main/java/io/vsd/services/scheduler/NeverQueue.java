package io.vsd.services.scheduler;

import java.util.List;

/**
 * nq: the first available server with no active connection, at once; when every server is busy, the sed rule
 * (ip_vs_nq.c). An idle server is never made to queue behind a faster busy one.
 */
final class NeverQueue implements Scheduler {
  private final LoadTable servers;

  NeverQueue(List<Destination> destinations) {
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
      if (overhead == 1) {
        return servers.destinations[i]; // idle: at once
      }
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
      return "nq";
    }

    @Override
    public Scheduler create(List<Destination> destinations, SchedulerConfig config) {
      return new NeverQueue(destinations);
    }
  }
}
