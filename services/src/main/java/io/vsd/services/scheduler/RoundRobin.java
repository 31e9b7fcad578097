package io.vsd.services.scheduler;

import java.util.List;
import java.util.concurrent.atomic.AtomicInteger;

/** rr: start after the last pick and take the next available server, wrapping around. */
final class RoundRobin implements Scheduler {
  private final Destination[] destinations;
  private final AtomicInteger last = new AtomicInteger(-1);

  RoundRobin(List<Destination> destinations) {
    this.destinations = destinations.toArray(Destination[]::new);
  }

  @Override
  public Destination pick(PickContext context) {
    int n = destinations.length;
    if (n == 0) {
      return null;
    }
    while (true) {
      int from = last.get();
      int found = -1;
      for (int i = 1; i <= n; i++) {
        int index = Math.floorMod(from + i, n);
        if (destinations[index].available(context)) {
          found = index;
          break;
        }
      }
      if (found < 0) {
        return null;
      }
      // Another event loop may have picked meanwhile: only the thread that moves the position picks.
      if (last.compareAndSet(from, found)) {
        return destinations[found];
      }
    }
  }

  static final class Factory implements SchedulerFactory {
    @Override
    public String name() {
      return "rr";
    }

    @Override
    public Scheduler create(List<Destination> destinations, SchedulerConfig config) {
      return new RoundRobin(destinations);
    }
  }
}
