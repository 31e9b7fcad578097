package io.vsd.services.scheduler;

import java.util.List;
import java.util.concurrent.atomic.AtomicLong;

/**
 * wrr, on IPVS's rule: {@code di} = gcd of the weights above 0, {@code mw} = max weight - (di - 1), and the
 * current weight {@code cw} starts at {@code mw}. Continue after the last pick and take the first server with
 * weight >= cw that is available; at the end of the list cw -= di, and when cw <= 0 it goes back to mw.
 * Weights 4, 3, 2 give A A B A B C A B C.
 *
 * <p>The kernel walks the list one server at a time, which costs up to n steps per pick when weights differ
 * widely (one server of weight 1000 among many of weight 1). Here "the next server after i with weight >= cw"
 * is found in a max-tree built with the snapshot, in O(log n), and yields exactly the kernel's sequence.
 */
final class WeightedRoundRobin implements Scheduler {
  private final Destination[] destinations;
  private final int di;
  private final int mw;
  /** Leaves: the weights, padded with 0; inner nodes: the max of their two children. Root at 1. */
  private final int[] maxTree;
  private final int leaves;
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
    int size = 1;
    while (size < Math.max(1, this.destinations.length)) {
      size <<= 1;
    }
    this.leaves = size;
    this.maxTree = new int[2 * size];
    for (int i = 0; i < this.destinations.length; i++) {
      maxTree[size + i] = Math.max(0, this.destinations[i].weight());
    }
    for (int v = size - 1; v >= 1; v--) {
      maxTree[v] = Math.max(maxTree[2 * v], maxTree[2 * v + 1]);
    }
    this.state = new AtomicLong(pack(mw, -1));
  }

  @Override
  public Destination pick(PickContext context) {
    if (mw == 0) {
      return null;
    }
    while (true) {
      long s = state.get();
      int cw = (int) (s >>> 32);
      int index = (int) s - 1;
      int startCw = cw;
      int startIndex = index;
      int skipped = 0;
      Destination found = null;
      while (true) {
        int next = firstAtLeast(index + 1, cw);
        if (next < 0) {
          // End of the list: the next round asks for less weight.
          index = -1;
          cw -= di;
          if (cw <= 0) {
            cw = mw;
          }
          if (cw == startCw && startIndex < 0) {
            break; // a whole cycle went by with nothing available
          }
          continue;
        }
        index = next;
        Destination d = destinations[index];
        if (d.available(context)) {
          found = d;
          break;
        }
        if (cw == startCw && index == startIndex) {
          break; // back at the last pick: a whole cycle went by with nothing available
        }
        if (++skipped == destinations.length + 1 && noneAvailable(context)) {
          break; // checked once per pick, so that all OVERLOADED costs O(n), not a whole cycle
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

  /** The first index >= from whose weight is >= cw, or -1: a walk up then down the max-tree. */
  private int firstAtLeast(int from, int cw) {
    if (from >= destinations.length) {
      return -1;
    }
    int v = leaves + from;
    while (maxTree[v] < cw) {
      // Climb while v is a right child; then step to the subtree just right of everything seen so far.
      while ((v & 1) == 1) {
        if (v == 1) {
          return -1;
        }
        v >>>= 1;
      }
      v++;
    }
    while (v < leaves) {
      v <<= 1;
      if (maxTree[v] < cw) {
        v++;
      }
    }
    return v - leaves;
  }

  /** Only after a run of unavailable servers: stops a pick from cycling when every server is OVERLOADED. */
  private boolean noneAvailable(PickContext context) {
    for (Destination d : destinations) {
      if (d.available(context)) {
        return false;
      }
    }
    return true;
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
    public Scheduler create(List<Destination> destinations, SchedulerConfig config) {
      return new WeightedRoundRobin(destinations);
    }
  }
}
