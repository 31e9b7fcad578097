package io.vsd.services.scheduler;

import java.util.List;
import java.util.Set;

/** Makes a {@link Scheduler} of one algorithm for a list of real servers. */
public interface SchedulerFactory {

  /** ipvsadm's name for it: "rr", "wlc", ... */
  String name();

  /** The scheduler flags (ipvsadm -b) it understands. */
  default Set<String> flags() {
    return Set.of();
  }

  /**
   * Builds the scheduler, with every table it needs: picks only read them.
   *
   * @param destinations the real servers in the order they were added; never modified afterwards
   * @param config       the service's scheduler options; its flags are all from {@link #flags()}
   */
  Scheduler create(List<Destination> destinations, SchedulerConfig config);
}
