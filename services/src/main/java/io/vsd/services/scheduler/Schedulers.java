package io.vsd.services.scheduler;

import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;

/** The schedulers vsd knows, by ipvsadm name. */
public final class Schedulers {
  private Schedulers() {}

  private static final Map<String, SchedulerFactory> FACTORIES = new LinkedHashMap<>();

  static {
    for (SchedulerFactory f : List.of(new RoundRobin.Factory(), new WeightedRoundRobin.Factory(),
        new LeastConnection.Factory(), new WeightedLeastConnection.Factory())) {
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

  public static Scheduler create(String name, List<Destination> destinations, Set<String> flags) {
    SchedulerFactory f = FACTORIES.get(name);
    if (f == null) {
      throw new IllegalArgumentException("unknown scheduler " + name);
    }
    return f.create(List.copyOf(destinations), flags);
  }
}
