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
    LoadTable t = servers;
    boolean check = t.mustCheck(context);
    if (!check && t.run >= 0) {
      return t.destinations[LoadScan.leastOverhead(t.overheads, t.run, t.weights.length)];
    }
    boolean anyTried = check && context.triedCount() > 0;
    int[] weights = t.weights;
    int[] slots = t.slots;
    long[] cells = t.cells;
    long[][] pages = t.pages;
    int least = -1;
    int leastOverhead = Integer.MAX_VALUE;
    for (int i = 0; i < weights.length; i++) {
      if (weights[i] <= 0 || check && !t.available(i, context, anyTried)) {
        continue;
      }
      long word = ConnectionCounts.wordAt(cells != null ? cells : pages[i], slots[i]);
      int overhead = ConnectionCounts.overhead(word);
      if (least < 0 || overhead < leastOverhead) {
        least = i;
        leastOverhead = overhead;
      }
    }
    return least < 0 ? null : t.destinations[least];
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
