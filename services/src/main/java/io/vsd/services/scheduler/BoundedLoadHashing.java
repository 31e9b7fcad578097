package io.vsd.services.scheduler;

import java.util.List;

/**
 * chb, consistent hashing with bounded loads (Mirrokni, Thorup, Zadimoghaddam 2017; HAProxy's
 * hash-balance-factor). A client's address picks its home slot in a {@link MaglevTable}; the walk goes on
 * slot by slot to the first available server under its bound. A server's bound, for c = factor / 100, T the
 * service's active connections, and W the sum of the weights above 0, is
 * {@code ceil(c × (T + 1) × weight / W)} active connections: with equal weights,
 * {@code ceil(c × (T + 1) / n)}. A key stays with its home server while that server is under its bound.
 *
 * <p>T comes from {@link ServiceLoad} in one read, so a pick costs the same at 10 or 1000 servers. If every
 * available server is at its bound (possible only when servers are OVERLOADED or already tried), the first
 * available server of the walk is taken rather than refusing the client.
 */
final class BoundedLoadHashing implements Scheduler {
  static final String NAME = "chb";

  private final MaglevTable table;
  private final long factor;
  private final long totalWeight;
  private final ServiceLoad load;

  BoundedLoadHashing(List<Destination> destinations, SchedulerConfig config) {
    this.table = MaglevTable.build(destinations, config.mhTableSize());
    this.factor = config.balanceFactor();
    long w = 0;
    for (Destination d : destinations) {
      w += Math.max(0, d.weight());
    }
    this.totalWeight = w;
    this.load = destinations.isEmpty() ? null : destinations.getFirst().counts().serviceLoad();
  }

  @Override
  public Destination pick(PickContext context) {
    if (totalWeight == 0) {
      return null;
    }
    int m = table.size();
    int slot = table.index(context.clientFold());
    // active < ceil(factor * (T + 1) * w / (100 * W))  <=>  active * 100 * W < factor * (T + 1) * w
    long allowance = factor * (load.active() + 1L);
    long scale = 100 * totalWeight;
    Destination firstAvailable = null;
    for (int probe = 0; probe < m; probe++) {
      Destination d = table.slot(slot);
      if (d.available(context)) {
        if (d.counts().active() * scale < allowance * d.weight()) {
          return d;
        }
        if (firstAvailable == null) {
          firstAvailable = d;
        }
      }
      if (++slot == m) {
        slot = 0;
      }
    }
    return firstAvailable;
  }

  /** The bound of {@code d} at the current load: what the tests check. */
  long bound(Destination d) {
    long numerator = factor * (load.active() + 1L) * d.weight();
    long denominator = 100 * totalWeight;
    return (numerator + denominator - 1) / denominator;
  }

  static final class Factory implements SchedulerFactory {
    @Override
    public String name() {
      return NAME;
    }

    @Override
    public Scheduler create(List<Destination> destinations, SchedulerConfig config) {
      return new BoundedLoadHashing(destinations, config);
    }
  }
}
