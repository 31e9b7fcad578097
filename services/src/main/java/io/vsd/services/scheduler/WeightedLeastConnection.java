package io.vsd.services.scheduler;

import java.util.List;

/**
 * wlc, ipvsadm's default: the least overhead / weight, compared by cross-multiplication so there is no
 * division. Take the first available server, then replace it only when another is strictly better.
 */
final class WeightedLeastConnection implements Scheduler {
  private final LoadTable servers;

  WeightedLeastConnection(List<Destination> destinations) {
    this.servers = new LoadTable(destinations);
  }

  @Override
  public Destination pick(PickContext context) {
    LoadTable t = servers;
    boolean check = t.mustCheck(context);
    if (!check && t.run >= 0) {
      return t.destinations[LoadScan.leastWeightedOverhead(t.overheads, t.run, t.weights, t.inverses)];
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
      long overhead = ConnectionCounts.overhead(word);
      if (least < 0 || leastOverhead * weights[i] > overhead * leastWeight) {
        least = i;
        leastOverhead = overhead;
        leastWeight = weights[i];
      }
    }
    return least < 0 ? null : t.destinations[least];
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
