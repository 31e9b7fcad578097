package io.vsd.services.scheduler;

import java.util.List;
import java.util.concurrent.atomic.AtomicLong;

/**
 * wrr, on IPVS's rule: {@code di} = gcd of the weights above 0, {@code mw} = max weight - (di - 1), and the
 * current weight {@code cw} starts at {@code mw}. Continue after the last pick and take the first server with
 * weight >= cw that is available; at the end of the list cw -= di, and when cw <= 0 it goes back to mw.
 * Weights 4, 3, 2 give A A B A B C A B C.
 */
final class WeightedRoundRobin implements Scheduler {
  private final Destination[] destinations;
  private final int di;
  private final int mw;
  /** (cw << 32) | (index of the last pick + 1): one atomic word, so concurrent picks share one sequence. */
  private final AtomicLong state;

  WeightedRoundRobin(List<Destination> destinations) {
    this.destinations = destinations.toArray(Destination[]::new);
    int gcd = 0;
    int max = 0;
    for (Destination d : this.destinations) {
      if (d.weight() > 0) {
        gcd = gcd(gcd, d.weight());
        max = Math.max(max, d.weight());
      }
    }
    this.di = Math.max(gcd, 1);
    this.mw = max == 0 ? 0 : max - (di - 1);
    this.state = new AtomicLong(pack(mw, -1));
  }

  @Override
  public Destination pick(PickContext context) {
    int n = destinations.length;
    if (mw == 0) {
      return null;
    }
    // One full cycle visits every (cw, server) pair once; beyond that nothing is available.
    long maxSteps = (long) n * (mw / di + 1);
    while (true) {
      long s = state.get();
      int cw = (int) (s >>> 32);
      int index = (int) s - 1;
      Destination found = null;
      for (long step = 0; step < maxSteps; step++) {
        index++;
        if (index >= n) {
          index = 0;
          cw -= di;
          if (cw <= 0) {
            cw = mw;
          }
        }
        Destination d = destinations[index];
        if (d.weight() >= cw && d.available(context)) {
          found = d;
          break;
        }
      }
      if (found == null) {
        return null;
      }
      if (state.compareAndSet(s, pack(cw, index))) {
        return found;
      }
    }
  }

  private static long pack(int cw, int index) {
    return ((long) cw << 32) | ((index + 1) & 0xffffffffL);
  }

  private static int gcd(int a, int b) {
    while (b != 0) {
      int t = a % b;
      a = b;
      b = t;
    }
    return a;
  }

  static final class Factory implements SchedulerFactory {
    @Override
    public String name() {
      return "wrr";
    }

    @Override
    public Scheduler create(List<Destination> destinations, java.util.Set<String> flags) {
      return new WeightedRoundRobin(destinations);
    }
  }
}
