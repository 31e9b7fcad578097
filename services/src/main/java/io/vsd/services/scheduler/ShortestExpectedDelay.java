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
    LoadTable t = servers;
    boolean check = t.mustCheck(context);
    if (!check && t.run >= 0) {
      return t.destinations[LoadScan.leastExpectedDelay(t.actives, t.run, t.weights, t.inverses)];
    }
    boolean anyTried = check && context.triedCount() > 0;
    int[] weights = t.weights;
    int[] slots = t.slots;
    long[] cells = t.cells;
    long[][] pages = t.pages;
    int least = -1;
    long leastOverhead = 0;
    long leastWeight = 0;
    for (int i = 0; i < weights.length; i++) {
      if (weights[i] <= 0 || check && !t.available(i, context, anyTried)) {
        continue;
      }
      long word = ConnectionCounts.wordAt(cells != null ? cells : pages[i], slots[i]);
      long overhead = ConnectionCounts.activePlusOne(word);
      if (least < 0 || leastOverhead * weights[i] > overhead * leastWeight) {
        least = i;
        leastOverhead = overhead;
        leastWeight = weights[i];
      }
    }
    return least < 0 ? null : t.destinations[least];
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
