package io.vsd.services.scheduler;

import static io.vsd.services.scheduler.MaglevHashingTest.equal;
import static io.vsd.services.scheduler.MaglevHashingTest.key;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotSame;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import org.junit.jupiter.api.Test;

/** chb: no server over its bound under skewed keys, and keys that stay put while loads are under it. */
class BoundedLoadHashingTest {

  /** ceil(factor/100 × (T + 1) / n), the bound with equal weights, straight from its definition. */
  static long bound(int factor, int total, int n) {
    return (long) Math.ceil(factor / 100.0 * (total + 1) / n);
  }

  static int total(List<Destination> ds) {
    return ds.stream().mapToInt(d -> d.counts().active()).sum();
  }

  @Test
  void noServerGoesOverTheBoundUnderSkewedKeys() {
    for (int factor : new int[] {100, 125, 200}) {
      List<Destination> ds = equal(10);
      Scheduler chb = Schedulers.create("chb", ds, SchedulerConfig.DEFAULT.withBalanceFactor(factor));
      Random random = new Random(42);
      List<Destination> open = new ArrayList<>();
      int maxSeen = 0;
      for (int i = 0; i < 20_000; i++) {
        // Half the connections come from one client, a quarter from four, the rest from 10000.
        double r = random.nextDouble();
        int client = r < 0.5 ? 0 : r < 0.75 ? 1 + random.nextInt(4) : 5 + random.nextInt(10_000);
        int before = total(ds);
        Destination d = chb.pick(key(client));
        d.connectionOpened();
        open.add(d);
        assertTrue(d.counts().active() <= bound(factor, before, 10),
            "factor " + factor + ", pick " + i + ": " + d + " has " + d.counts().active() + " active, bound "
                + bound(factor, before, 10));
        maxSeen = Math.max(maxSeen, d.counts().active());
        // Connections end too, in random order, so loads go down as well as up.
        if (open.size() > 500) {
          open.remove(random.nextInt(open.size())).connectionClosed(true);
        }
      }
      assertTrue(maxSeen <= bound(factor, 500, 10), "factor " + factor + ": max " + maxSeen);
    }
  }

  @Test
  void withoutTheBoundTheSkewWouldOverloadOneServer() {
    // The same skew on plain mh: the hot client's server takes over half of everything.
    List<Destination> ds = equal(10);
    Scheduler mh = Schedulers.create("mh", ds, SchedulerConfig.DEFAULT);
    for (int i = 0; i < 1000; i++) {
      mh.pick(key(i % 2 == 0 ? 0 : i)).connectionOpened();
    }
    assertTrue(ds.stream().mapToInt(d -> d.counts().active()).max().orElseThrow() >= 500);
  }

  @Test
  void keysStayWithTheirMhServerWhileLoadsAreUnderTheBound() {
    List<Destination> ds = equal(10);
    for (Destination d : ds) {
      for (int i = 0; i < 5; i++) {
        d.connectionOpened(); // T = 50: bound ceil(1.25 × 51 / 10) = 7 > 5 everywhere
      }
    }
    Scheduler chb = Schedulers.create("chb", ds, SchedulerConfig.DEFAULT);
    Scheduler mh = Schedulers.create("mh", ds, SchedulerConfig.DEFAULT);
    for (int i = 0; i < 10_000; i++) {
      assertSame(mh.pick(key(i)), chb.pick(key(i)), "key " + i);
    }
  }

  @Test
  void onlyTheKeysOfAServerAtItsBoundMove() {
    List<Destination> ds = equal(10);
    Scheduler chb = Schedulers.create("chb", ds, SchedulerConfig.DEFAULT);
    Destination full = chb.pick(key(0));
    for (int i = 0; i < 2; i++) {
      full.connectionOpened(); // T = 2: bound ceil(1.25 × 3 / 10) = 1, and it has 2
    }
    assertEquals(1, ((BoundedLoadHashing) chb).bound(full));
    Scheduler mh = Schedulers.create("mh", ds, SchedulerConfig.DEFAULT);
    int moved = 0;
    for (int i = 0; i < 10_000; i++) {
      Destination home = mh.pick(key(i));
      Destination d = chb.pick(key(i));
      if (home == full) {
        assertNotSame(full, d, "key " + i);
        assertSame(d, chb.pick(key(i)), "it moves to the same next server each time");
        moved++;
      } else {
        assertSame(home, d, "key " + i);
      }
    }
    assertTrue(moved > 500);
  }

  @Test
  void weightsScaleTheBound() {
    List<Destination> ds = List.of(MaglevHashingTest.server(1, 1), MaglevHashingTest.server(2, 3));
    Scheduler chb = Schedulers.create("chb", ds, SchedulerConfig.DEFAULT);
    for (int i = 0; i < 4000; i++) {
      chb.pick(key(i % 7)).connectionOpened();
    }
    // Bounds: 1.25 × 4000 × 1/4 = 1250 and 1.25 × 4000 × 3/4 = 3750: the weight-1 server can take no more.
    assertTrue(ds.get(0).counts().active() <= 1251, "A has " + ds.get(0).counts().active());
    assertEquals(4000, total(ds));
  }
}
