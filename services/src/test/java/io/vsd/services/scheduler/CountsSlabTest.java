package io.vsd.services.scheduler;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotSame;
import static org.junit.jupiter.api.Assertions.assertSame;

import io.vsd.services.model.Endpoint;
import io.vsd.services.model.ForwardingMethod;
import io.vsd.services.model.RealServer;
import java.net.InetSocketAddress;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.SplittableRandom;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.atomic.AtomicBoolean;
import org.junit.jupiter.api.Test;

/**
 * The lc family reads the counts words from the service's slab (ConnectionCounts, ServiceLoad): the picks must
 * be the kernel's whatever the layout (servers in the order they joined or not, one page or several), with
 * weight 0, OVERLOADED and passive-down servers; and the counts must survive the move into the slab.
 */
class CountsSlabTest {
  private static final String[] LC_FAMILY = {"lc", "wlc", "sed", "nq"};
  private static final PickContext ANY =
      new PickContext(new InetSocketAddress("198.18.0.1", 40000), new InetSocketAddress("10.0.0.1", 80));

  private static RealServer real(int i, int weight, int upper) {
    return new RealServer(Endpoint.parse("10.3." + (i >> 8) + "." + (i & 0xff) + ":80", 0),
        ForwardingMethod.MASQ, weight, upper, 0);
  }

  /** The kernel's rule, written plainly over Destination's public view, as the reference. */
  private static Destination reference(String scheduler, List<Destination> ds, PickContext context) {
    Destination least = null;
    long leastLoad = 0;
    for (Destination d : ds) {
      if (!d.available(context)) {
        continue;
      }
      long load = switch (scheduler) {
        case "lc", "wlc" -> d.counts().active() * 256L + d.counts().inactive();
        default -> d.counts().active() + 1L;
      };
      if (scheduler.equals("nq") && d.counts().active() == 0) {
        return d;
      }
      if (least == null || (scheduler.equals("lc")
          ? load < leastLoad
          : leastLoad * d.weight() > load * least.weight())) {
        least = d;
        leastLoad = load;
      }
    }
    return least;
  }

  private static void setCounts(Destination d, int active, int inactive) {
    while (d.counts().active() + d.counts().inactive() > 0) {
      if (d.counts().inactive() > 0) {
        d.connectionClosed(false);
      } else {
        d.connectionClosed(true);
      }
    }
    for (int c = 0; c < active + inactive; c++) {
      d.connectionOpened();
    }
    for (int c = 0; c < inactive; c++) {
      d.connectionHalfClosed();
    }
  }

  private static void assertSameAsKernel(List<Destination> ds, SplittableRandom random, String what) {
    for (String s : LC_FAMILY) {
      Scheduler scheduler = Schedulers.create(s, ds, SchedulerConfig.DEFAULT);
      for (int round = 0; round < 20; round++) {
        for (Destination d : ds) {
          // few distinct values, so that ties are common
          setCounts(d, random.nextInt(4), random.nextInt(3));
        }
        assertSame(reference(s, ds, ANY), scheduler.pick(ANY), s + ", " + what + ", round " + round);
      }
    }
  }

  @Test
  void picksAreTheKernelsInEveryLayout() {
    SplittableRandom random = new SplittableRandom(7);
    List<Destination> ds = new ArrayList<>();
    for (int i = 0; i < 40; i++) {
      ds.add(new Destination(real(i, 1 + random.nextInt(5), 0), 1 + random.nextInt(5), new ConnectionCounts()));
    }
    Schedulers.create("lc", ds, SchedulerConfig.DEFAULT);
    assertEquals(0, new LoadTable(ds).run, "in join order: the straight read");
    assertSameAsKernel(ds, random, "in join order");

    List<Destination> reversed = new ArrayList<>(ds);
    Collections.reverse(reversed);
    assertEquals(-1, new LoadTable(reversed).run);
    assertSameAsKernel(reversed, random, "not in join order");

    List<Destination> grown = new ArrayList<>(ds); // the service grows past its first page
    for (int i = 40; i < 200; i++) {
      grown.add(new Destination(real(i, 2, 0), 2, new ConnectionCounts()));
      if (i % 50 == 0) {
        Schedulers.create("lc", grown, SchedulerConfig.DEFAULT);
      }
    }
    Schedulers.create("lc", grown, SchedulerConfig.DEFAULT);
    assertNotSame(grown.getFirst().counts().slot().cells(), grown.getLast().counts().slot().cells(),
        "the service's servers lie in more than one page");
    assertSameAsKernel(grown, random, "over several pages");

    List<Destination> withZero = new ArrayList<>(ds);
    withZero.set(3, ds.get(3).withWeight(0));
    withZero.set(0, ds.get(0).withWeight(0));
    assertSameAsKernel(withZero, random, "with weight 0");
  }

  @Test
  void overloadedAndPassiveDownServersAreSkipped() {
    List<Destination> ds = new ArrayList<>();
    List<PassiveHealth> passive = new ArrayList<>();
    for (int i = 0; i < 4; i++) {
      PassiveHealth p = new PassiveHealth(1, Duration.ofSeconds(10), x -> { });
      passive.add(p);
      ds.add(new Destination(real(i, 1, 3), 1, new ConnectionCounts(), p));
    }
    setCounts(ds.get(1), 1, 0);
    setCounts(ds.get(2), 1, 0);
    setCounts(ds.get(3), 1, 0);
    for (String s : LC_FAMILY) {
      Scheduler scheduler = Schedulers.create(s, ds, SchedulerConfig.DEFAULT);
      assertSame(ds.get(0), scheduler.pick(ANY), s);
      passive.get(0).failure(null);
      assertSame(ds.get(1), scheduler.pick(ANY), s + ": server 0 is passive-down");
      setCounts(ds.get(1), 3, 0); // upper 3: OVERLOADED
      assertSame(ds.get(2), scheduler.pick(ANY), s + ": server 1 is OVERLOADED");
      passive.get(0).clear();
      assertSame(ds.get(0), scheduler.pick(ANY), s + ": server 0 is back");
      setCounts(ds.get(1), 1, 0);
      assertEquals(0, ds.get(0).counts().serviceLoad().passiveDown(), s);
      assertEquals(0, ds.get(0).counts().serviceLoad().overloaded(), s);
    }
    Scheduler twos = Schedulers.create("twos", ds, SchedulerConfig.DEFAULT);
    passive.get(0).failure(null);
    for (int i = 0; i < 200; i++) {
      assertNotSame(ds.get(0), twos.pick(ANY), "twos: server 0 is passive-down");
    }
  }

  @Test
  void countsSurviveTheMoveIntoTheSlab() {
    Destination d = new Destination(real(1, 1, 0), 1, new ConnectionCounts());
    setCounts(d, 5, 7);
    Schedulers.create("lc", List.of(d), SchedulerConfig.DEFAULT);
    assertEquals(5, d.counts().active());
    assertEquals(7, d.counts().inactive());
    assertEquals(5, d.counts().serviceLoad().active());
  }

  @Test
  void updatesDuringTheMoveAreNotLost() throws InterruptedException {
    for (int round = 0; round < 200; round++) {
      Destination d = new Destination(real(1, 1, 0), 1, new ConnectionCounts());
      CountDownLatch started = new CountDownLatch(2);
      AtomicBoolean stop = new AtomicBoolean();
      List<Thread> threads = new ArrayList<>();
      int[] opened = new int[2];
      for (int t = 0; t < 2; t++) {
        int id = t;
        threads.add(Thread.ofPlatform().start(() -> {
          started.countDown();
          while (!stop.get() || opened[id] < 1000) {
            d.connectionOpened();
            d.connectionHalfClosed();
            d.connectionOpened();
            d.connectionClosed(true);
            opened[id]++;
          }
        }));
      }
      started.await();
      Schedulers.create("lc", List.of(d), SchedulerConfig.DEFAULT);
      stop.set(true);
      for (Thread t : threads) {
        t.join();
      }
      assertEquals(0, d.counts().active(), "round " + round);
      assertEquals(opened[0] + opened[1], d.counts().inactive(), "round " + round);
    }
  }
}
