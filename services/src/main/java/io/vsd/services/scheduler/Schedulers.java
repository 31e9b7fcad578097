package io.vsd.services.scheduler;

import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;

/** The schedulers vsd knows, by ipvsadm name, in ipvsadm's order, then vsd's own. */
public final class Schedulers {
  private Schedulers() {}

  private static final Map<String, SchedulerFactory> FACTORIES = new LinkedHashMap<>();

  static {
    for (SchedulerFactory f : List.of(
        new RoundRobin.Factory(),
        new WeightedRoundRobin.Factory(),
        new LeastConnection.Factory(),
        new WeightedLeastConnection.Factory(),
        new LocalityBasedLeastConnection.Factory(),
        new LocalityBasedReplication.Factory(),
        new DestinationHashing.Factory(),
        new SourceHashing.Factory(),
        new ShortestExpectedDelay.Factory(),
        new NeverQueue.Factory(),
        new WeightedFailover.Factory(),
        new WeightedOverflow.Factory(),
        new MaglevHashing.Factory(),
        new TwoChoices.Factory(),
        new BoundedLoadHashing.Factory())) {
      FACTORIES.put(f.name(), f);
    }
  }

  public static boolean isKnown(String name) {
    return FACTORIES.containsKey(name);
  }

  public static List<String> names() {
    return List.copyOf(FACTORIES.keySet());
  }

  /** The flags {@code scheduler} understands; empty for an unknown scheduler. */
  public static Set<String> flags(String scheduler) {
    SchedulerFactory f = FACTORIES.get(scheduler);
    return f == null ? Set.of() : f.flags();
  }

  /** Whether {@code scheduler} reads the Maglev table size (mh, and chb, which walks a Maglev table). */
  public static boolean usesMhTableSize(String scheduler) {
    return MaglevHashing.NAME.equals(scheduler) || BoundedLoadHashing.NAME.equals(scheduler);
  }

  /** Whether {@code scheduler} reads the hash balance factor (chb). */
  public static boolean usesBalanceFactor(String scheduler) {
    return BoundedLoadHashing.NAME.equals(scheduler);
  }

  /**
   * Builds the scheduler of one routing snapshot. Called by the single writer that builds snapshots, never on
   * the pick path: tables (sh, dh, mh, chb, wrr's search tree) are built here.
   */
  public static Scheduler create(String name, List<Destination> destinations, SchedulerConfig config) {
    SchedulerFactory f = FACTORIES.get(name);
    if (f == null) {
      throw new IllegalArgumentException("unknown scheduler " + name + "; known schedulers: "
          + String.join(", ", names()));
    }
    List<Destination> copy = List.copyOf(destinations);
    ServiceLoad.attach(copy);
    return f.create(copy, config);
  }
}
