package io.vsd.services.scheduler;

import java.util.List;
import java.util.concurrent.ThreadLocalRandom;

/**
 * twos, power of two choices (ip_vs_twos.c): total = Σ weight of the available servers + 1; draw two numbers
 * in [0, total); walk the list subtracting weights, and the first server where a number reaches ≤ 0 is that
 * number's choice. Keep the second choice only when its overhead / weight is strictly lower.
 *
 * <p>As in the kernel, the "+ 1" gives the first available server one extra chance in total.
 */
final class TwoChoices implements Scheduler {
  private final LoadTable servers;

  TwoChoices(List<Destination> destinations) {
    this.servers = new LoadTable(destinations);
  }

  @Override
  public Destination pick(PickContext context) {
    boolean anyTried = context.triedCount() > 0;
    int[] weights = servers.weights;
    long total = 0;
    Destination last = null;
    for (int i = 0; i < weights.length; i++) {
      if (servers.available(i, context, anyTried)) {
        total += weights[i];
        last = servers.destinations[i];
      }
    }
    if (last == null) {
      return null;
    }
    total += 1;
    ThreadLocalRandom random = ThreadLocalRandom.current();
    long r1 = random.nextLong(total);
    long r2 = random.nextLong(total);
    Destination choice1 = null;
    Destination choice2 = null;
    for (int i = 0; i < weights.length; i++) {
      if (!servers.available(i, context, anyTried)) {
        continue;
      }
      r1 -= weights[i];
      r2 -= weights[i];
      if (choice1 == null && r1 <= 0) {
        choice1 = servers.destinations[i];
      }
      if (choice2 == null && r2 <= 0) {
        choice2 = servers.destinations[i];
      }
      if (choice1 != null && choice2 != null) {
        break;
      }
    }
    if (choice1 == null || choice2 == null) {
      // A server became OVERLOADED between the two walks: the kernel then keeps the last available one.
      return choice1 != null ? choice1 : choice2 != null ? choice2 : last;
    }
    // overhead2 / weight2 < overhead1 / weight1, cross-multiplied.
    if ((long) choice2.weight() * choice1.overhead() > (long) choice1.weight() * choice2.overhead()) {
      return choice2;
    }
    return choice1;
  }

  static final class Factory implements SchedulerFactory {
    @Override
    public String name() {
      return "twos";
    }

    @Override
    public Scheduler create(List<Destination> destinations, SchedulerConfig config) {
      return new TwoChoices(destinations);
    }
  }
}
