package io.vsd.services.scheduler;

import java.util.List;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * The active connections of a whole virtual service on this director, kept as they change, so that chb reads
 * the total in one load instead of summing every real server on each pick.
 *
 * <p>Every {@link ConnectionCounts} of a service points to the service's one ServiceLoad. A count is attached
 * when the first snapshot that holds it is built, before the data plane can see it, so no connection of it
 * is missed; an attached count keeps its ServiceLoad for life. A real server removed from the service stays
 * attached: its last connections still count until they close, as they still load the service.
 */
final class ServiceLoad {
  private final AtomicInteger active = new AtomicInteger();
  /** How many of the service's real servers are OVERLOADED now: 0 lets twos skip its availability scan. */
  private final AtomicInteger overloaded = new AtomicInteger();

  int active() {
    return active.get();
  }

  void add(int delta) {
    active.addAndGet(delta);
  }

  int overloaded() {
    return overloaded.get();
  }

  void addOverloaded(int delta) {
    overloaded.addAndGet(delta);
  }

  /** Attaches the counts of one service's real servers to the service's ServiceLoad (a new one if none yet). */
  static ServiceLoad attach(List<Destination> destinations) {
    ServiceLoad load = null;
    for (Destination d : destinations) {
      if (d.counts().serviceLoad() != null) {
        load = d.counts().serviceLoad();
        break;
      }
    }
    if (load == null) {
      load = new ServiceLoad();
    }
    for (Destination d : destinations) {
      d.counts().attach(load);
    }
    return load;
  }
}
