package io.vsd.services.scheduler;

import static io.vsd.services.scheduler.SchedulerSequenceTest.ANY;
import static io.vsd.services.scheduler.SchedulerSequenceTest.create;
import static io.vsd.services.scheduler.SchedulerSequenceTest.servers;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertSame;

import io.vsd.services.model.Endpoint;
import io.vsd.services.model.ForwardingMethod;
import io.vsd.services.model.RealServer;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Test;

/**
 * Exact sequences of the schedulers that read live counts, and of wrr in its corners. Each pick opens a
 * connection on the chosen server, as the data plane does; the expectations are worked out by hand from the
 * rules of shared/reference/ipvs-schedulers.md.
 */
class LeastLoadSequenceTest {

  /** Picks n times, opening a connection on each pick; "-" for no pick. */
  static String opening(Scheduler s, List<Destination> ds, int n) {
    StringBuilder sb = new StringBuilder();
    for (int i = 0; i < n; i++) {
      Destination d = s.pick(ANY);
      if (d == null) {
        sb.append('-');
      } else {
        sb.append((char) ('A' + ds.indexOf(d)));
        d.connectionOpened();
      }
    }
    return sb.toString();
  }

  static Destination server(String address, int weight, int upper) {
    RealServer r = new RealServer(Endpoint.parse(address, 0), ForwardingMethod.MASQ, weight, upper, 0);
    return new Destination(r, weight, new ConnectionCounts());
  }

  @Test
  void sedMinimisesExpectedDelayIgnoringInactive() {
    // (active + 1) / weight: C 1/3, B 1/2, C 2/3, then A, B, C tie at 1 and the first wins, ...
    List<Destination> ds = servers(1, 2, 3);
    assertEquals("CBCABCCB", opening(create("sed", ds), ds, 8));
    List<Destination> fresh = servers(1, 1);
    fresh.get(0).connectionOpened();
    fresh.get(0).connectionHalfClosed(); // A: 0 active, 1 inactive: sed does not see it
    assertSame(fresh.get(0), create("sed", fresh).pick(ANY), "inactive connections do not count: tie, first wins");
    assertSame(fresh.get(1), create("wlc", fresh).pick(ANY), "wlc does count them");
  }

  @Test
  void nqTakesAnIdleServerFirstThenSed() {
    List<Destination> ds = servers(1, 2, 3);
    assertEquals("ABC" + "CBCCB", opening(create("nq", ds), ds, 8));
    ds.get(0).connectionClosed(true); // A is idle again: it wins at once, however slow
    assertEquals("A", opening(create("nq", ds), ds, 1));
  }

  @Test
  void foTakesTheHighestWeightAvailableTiesToTheFirst() {
    List<Destination> ds = new ArrayList<>(List.of(
        server("10.0.0.1:80", 2, 0), server("10.0.0.2:80", 5, 1), server("10.0.0.3:80", 5, 1),
        server("10.0.0.4:80", 1, 0)));
    Scheduler fo = create("fo", ds);
    // B and C tie at 5: B first; each is OVERLOADED after one connection (upper 1); then A (2) keeps it all.
    assertEquals("BCAAA", opening(fo, ds, 5));
    ds.get(1).connectionClosed(true); // B below its threshold again
    assertSame(ds.get(1), fo.pick(ANY));
  }

  @Test
  void foSkipsQuiescentServers() {
    List<Destination> ds = servers(0, 3, 2);
    assertEquals("BBB", opening(create("fo", ds), ds, 3));
  }

  @Test
  void ovfOverflowsWhenActiveExceedsWeight() {
    // B (3) until it has 4 > 3 active, then A (2) until 3 > 2, then C (1) until 2 > 1, then nothing.
    List<Destination> ds = servers(2, 3, 1);
    assertEquals("BBBB" + "AAA" + "CC" + "-", opening(create("ovf", ds), ds, 10));
    ds.get(1).connectionHalfClosed(); // B: 3 active again, not above its weight
    assertEquals("B", opening(create("ovf", ds), ds, 1));
  }

  @Test
  void lcCountsInactiveConnectionsAs1Over256() {
    List<Destination> ds = servers(1, 1);
    for (int i = 0; i < 256; i++) {
      ds.get(0).connectionOpened();
      ds.get(0).connectionHalfClosed();
    }
    ds.get(1).connectionOpened(); // A: 256 inactive, B: one active = 256: a tie, the first wins
    assertSame(ds.get(0), create("lc", ds).pick(ANY));
    ds.get(0).connectionOpened();
    ds.get(0).connectionHalfClosed();
    assertSame(ds.get(1), create("lc", ds).pick(ANY));
  }

  @Test
  void wrrWithOneHeavyServer() {
    // di 1, mw 5: cw 5, 4, 3, 2 find only B; cw 1 finds A then B.
    List<Destination> ds = servers(1, 5);
    assertEquals("BBBBAB" + "BBBBAB", SchedulerSequenceTest.sequence(create("wrr", ds), ds, 12));
  }

  @Test
  void wrrSkipsAnOverloadedServerAndKeepsTheRestOfTheCycle() {
    List<Destination> ds = List.of(server("10.0.0.1:80", 4, 0), server("10.0.0.2:80", 3, 1),
        server("10.0.0.3:80", 2, 0));
    ds.get(1).connectionOpened(); // B OVERLOADED
    // A A B A B C A B C without B: cw 4: A; cw 3: A; cw 2: A C; cw 1: A C.
    assertEquals("AAACAC" + "AAACAC", SchedulerSequenceTest.sequence(create("wrr", ds), ds, 12));
  }

  @Test
  void wrrWithEveryServerOverloadedPicksNothing() {
    List<Destination> ds = List.of(server("10.0.0.1:80", 1000, 1), server("10.0.0.2:80", 1, 1));
    ds.forEach(Destination::connectionOpened);
    assertNull(create("wrr", ds).pick(ANY));
    ds.get(1).connectionClosed(true);
    assertSame(ds.get(1), create("wrr", ds).pick(ANY), "999 rounds only A qualifies, then B at cw 1");
  }

  @Test
  void wrrMatchesTheKernelsListWalkOnManyServers() {
    // The max-tree must give the list walk's sequence exactly; the walk here is the rule, step by step.
    int[] weights = new int[37];
    for (int i = 0; i < weights.length; i++) {
      weights[i] = 1 + (i * 7919) % 50;
    }
    List<Destination> ds = servers(weights);
    Scheduler wrr = create("wrr", ds);
    int di = 0;
    int max = 0;
    for (int w : weights) {
      di = java.math.BigInteger.valueOf(di).gcd(java.math.BigInteger.valueOf(w)).intValue();
      max = Math.max(max, w);
    }
    int mw = max - (di - 1);
    int cw = mw;
    int i = -1;
    for (int pick = 0; pick < 5000; pick++) {
      while (true) {
        i++;
        if (i == weights.length) {
          i = 0;
          cw -= di;
          if (cw <= 0) {
            cw = mw;
          }
        }
        if (weights[i] >= cw) {
          break;
        }
      }
      assertSame(ds.get(i), wrr.pick(ANY), "pick " + pick);
    }
  }

  @Test
  void rrConcurrentPicksShareOneSequence() throws Exception {
    List<Destination> ds = servers(1, 1, 1);
    Scheduler rr = create("rr", ds);
    Map<Destination, AtomicInteger> picks = new ConcurrentHashMap<>();
    int threads = 4;
    int perThread = 10001; // 40004 picks in all: 13335 + 13335 + 13334 if they share one sequence
    CountDownLatch done = new CountDownLatch(threads);
    for (int t = 0; t < threads; t++) {
      Thread.ofPlatform().start(() -> {
        for (int i = 0; i < perThread; i++) {
          picks.computeIfAbsent(rr.pick(ANY), k -> new AtomicInteger()).incrementAndGet();
        }
        done.countDown();
      });
    }
    done.await();
    // A sequence per thread would give 4 × (3334, 3334, 3333) = 13336, 13336, 13332 instead.
    assertEquals(13335, picks.get(ds.get(0)).get());
    assertEquals(13335, picks.get(ds.get(1)).get());
    assertEquals(13334, picks.get(ds.get(2)).get());
    assertEquals("CABCAB", SchedulerSequenceTest.sequence(rr, ds, 6), "pick 40004 was B, so the next is C");
  }
}
