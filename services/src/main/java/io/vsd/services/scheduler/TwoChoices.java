package io.vsd.services.scheduler;

import java.util.List;
import java.util.concurrent.ThreadLocalRandom;

/**
 * twos, power of two choices (ip_vs_twos.c): total = Σ weight of the available servers + 1; draw two numbers
 * in [0, total); walk the list subtracting weights, and the first server where a number reaches ≤ 0 is that
 * number's choice. Keep the second choice only when its overhead / weight is strictly lower.
 *
 * <p>As in the kernel, the "+ 1" gives the first available server one extra chance in total.
 *
 * <p>The kernel walks the list twice per pick. When no server of the service is OVERLOADED or taken out by
 * passive detection, and none has been tried for this connection, every server of weight above 0 is available, so the total is known at
 * build time and each draw is found by binary search in the running sums of the weights: the same choice
 * as the walk, in O(log n). Otherwise the walk is done as the kernel does it.
 */
final class TwoChoices implements Scheduler {
  private final LoadTable servers;
  /** Indexes of the servers of weight above 0, and the running sum of their weights. */
  private final int[] weighted;
  private final long[] sums;

  TwoChoices(List<Destination> destinations) {
    this.servers = new LoadTable(destinations);
    int n = 0;
    for (int w : servers.weights) {
      if (w > 0) {
        n++;
      }
    }
    weighted = new int[n];
    sums = new long[n];
    long sum = 0;
    for (int i = 0, k = 0; i < servers.weights.length; i++) {
      if (servers.weights[i] > 0) {
        sum += servers.weights[i];
        weighted[k] = i;
        sums[k++] = sum;
      }
    }
  }

  @Override
  public Destination pick(PickContext context) {
    boolean anyTried = context.triedCount() > 0;
    if (sums.length > 0 && !servers.mustCheck(context)) {
      ThreadLocalRandom random = ThreadLocalRandom.current();
      long total = sums[sums.length - 1] + 1;
      return better(servers.destinations[draw(random.nextLong(total))],
          servers.destinations[draw(random.nextLong(total))]);
    }
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
    return better(choice1, choice2);
  }

  /** The walk's stop for r: the first server whose running sum reaches r (r − sum ≤ 0). */
  private int draw(long r) {
    int lo = 0;
    int hi = sums.length - 1;
    while (lo < hi) {
      int mid = (lo + hi) >>> 1;
      if (sums[mid] >= r) {
        hi = mid;
      } else {
        lo = mid + 1;
      }
    }
    return weighted[lo];
  }

  /** The second choice only when its overhead / weight is strictly lower, cross-multiplied. */
  private static Destination better(Destination choice1, Destination choice2) {
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
