package io.vsd.services.scheduler;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertSame;

import io.vsd.services.model.Endpoint;
import io.vsd.services.model.ForwardingMethod;
import io.vsd.services.model.RealServer;
import java.net.InetSocketAddress;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Test;

/** Exact pick sequences, on the rules of ../shared/reference/ipvs-schedulers.md. */
class SchedulerSequenceTest {

  static final PickContext ANY = new PickContext(new InetSocketAddress("127.0.0.1", 40000),
      new InetSocketAddress("127.0.0.1", 80));

  static List<Destination> servers(int... weights) {
    List<Destination> list = new ArrayList<>();
    for (int i = 0; i < weights.length; i++) {
      RealServer r = new RealServer(Endpoint.parse("10.0.0." + (i + 1) + ":80", 0), ForwardingMethod.MASQ, weights[i], 0, 0);
      list.add(new Destination(r, weights[i], new ConnectionCounts()));
    }
    return list;
  }

  static Scheduler create(String name, List<Destination> ds) {
    return Schedulers.create(name, ds, SchedulerConfig.DEFAULT);
  }

  static String sequence(Scheduler s, List<Destination> ds, int n) {
    StringBuilder sb = new StringBuilder();
    for (int i = 0; i < n; i++) {
      Destination d = s.pick(ANY);
      sb.append(d == null ? "-" : String.valueOf((char) ('A' + ds.indexOf(d))));
    }
    return sb.toString();
  }

  @Test
  void rrTakesEachAvailableServerInTurn() {
    List<Destination> ds = servers(1, 5, 1);
    assertEquals("ABCABC", sequence(create("rr", ds), ds, 6));
  }

  @Test
  void rrSkipsQuiescentServers() {
    List<Destination> ds = servers(1, 0, 1);
    assertEquals("ACAC", sequence(create("rr", ds), ds, 4));
  }

  @Test
  void wrrWeights432GiveTheKernelCycle() {
    List<Destination> ds = servers(4, 3, 2);
    assertEquals("AABABCABC" + "AABABCABC", sequence(create("wrr", ds), ds, 18));
  }

  @Test
  void wrrWeights422UseTheGcd() {
    List<Destination> ds = servers(4, 2, 2);
    assertEquals("AABC" + "AABC", sequence(create("wrr", ds), ds, 8));
  }

  @Test
  void wrrWithWeightZeroServerNeverPicksIt() {
    List<Destination> ds = servers(2, 0, 1);
    assertEquals("AAC" + "AAC", sequence(create("wrr", ds), ds, 6));
  }

  @Test
  void nothingAvailableMeansNoPick() {
    List<Destination> ds = servers(0, 0);
    for (String name : Schedulers.names()) {
      assertNull(create(name, ds).pick(ANY), name);
      assertNull(create(name, List.of()).pick(ANY), name);
    }
  }

  @Test
  void lcTakesTheLeastOverheadAndTiesGoToTheFirst() {
    List<Destination> ds = servers(1, 1, 1);
    Scheduler lc = create("lc", ds);
    assertSame(ds.get(0), lc.pick(ANY));
    ds.get(0).connectionOpened();
    assertSame(ds.get(1), lc.pick(ANY));
    ds.get(1).connectionOpened();
    ds.get(2).connectionOpened();
    ds.get(2).connectionHalfClosed(); // C: overhead 1 (inactive), A and B: 256
    assertSame(ds.get(2), lc.pick(ANY));
  }

  @Test
  void wlcComparesOverheadPerWeight() {
    List<Destination> ds = servers(1, 3);
    Scheduler wlc = create("wlc", ds);
    assertSame(ds.get(0), wlc.pick(ANY), "both empty: the first wins the tie");
    ds.get(0).connectionOpened();
    // B takes 3 connections before A's 256/1 is no longer worse than B's overhead/3.
    for (int i = 0; i < 3; i++) {
      Destination d = wlc.pick(ANY);
      assertSame(ds.get(1), d);
      d.connectionOpened();
    }
    assertSame(ds.get(0), wlc.pick(ANY), "256*3 == 768*1: a tie keeps the first");
  }

  @Test
  void wlcSkipsQuiescentAndOverloadedServers() {
    List<Destination> ds = new ArrayList<>(servers(0, 1));
    RealServer limited = new RealServer(Endpoint.parse("10.0.0.9:80", 0), ForwardingMethod.MASQ, 5, 1, 0);
    Destination c = new Destination(limited, 5, new ConnectionCounts());
    ds.add(c);
    Scheduler wlc = create("wlc", ds);
    assertSame(ds.get(1), wlc.pick(ANY), "A is quiescent; B and C tie at 0, so the first available wins");
    ds.get(1).connectionOpened();
    assertSame(c, wlc.pick(ANY));
    c.connectionOpened(); // total 1 >= upper 1: OVERLOADED
    assertSame(ds.get(1), wlc.pick(ANY));
    c.connectionClosed(true); // 0*4 < 1*3: cleared
    assertSame(c, wlc.pick(ANY));
  }

  @Test
  void overloadClearsBelowThreeQuartersOfUpperWhenLowerIsUnset() {
    RealServer r = new RealServer(Endpoint.parse("10.0.0.9:80", 0), ForwardingMethod.MASQ, 1, 4, 0);
    Destination d = new Destination(r, 1, new ConnectionCounts());
    for (int i = 0; i < 4; i++) {
      d.connectionOpened();
    }
    assertEquals(true, d.counts().overloaded());
    d.connectionClosed(true); // 3*4 = 12, not < 12
    assertEquals(true, d.counts().overloaded());
    d.connectionClosed(true); // 2*4 = 8 < 12
    assertEquals(false, d.counts().overloaded());
  }

  @Test
  void retryExcludesServersAlreadyTried() {
    List<Destination> ds = servers(1, 1, 1);
    PickContext ctx = new PickContext(new InetSocketAddress("127.0.0.1", 1), new InetSocketAddress("127.0.0.1", 2));
    for (String name : Schedulers.names()) {
      if (name.equals("dh")) {
        continue; // one server per destination IP: see hashingWithoutFallbackDoesNotRetry
      }
      PickContext c = new PickContext(ctx.client(), ctx.virtualAddress());
      // sh and mh move on only with their fallback flag.
      Set<String> flags = switch (name) {
        case "sh" -> Set.of("sh-fallback");
        case "mh" -> Set.of("mh-fallback");
        default -> Set.of();
      };
      Scheduler s = Schedulers.create(name, ds, SchedulerConfig.of(flags));
      Destination first = s.pick(c);
      c.tried(first);
      Destination second = s.pick(c);
      c.tried(second);
      Destination third = s.pick(c);
      c.tried(third);
      assertEquals(3, Set.of(first, second, third).size(), name);
      assertNull(s.pick(c), name);
    }
  }

  @Test
  void hashingWithoutFallbackDoesNotRetry() {
    List<Destination> ds = servers(1, 1, 1);
    for (String name : List.of("sh", "dh", "mh")) {
      PickContext c = new PickContext(new InetSocketAddress("127.0.0.1", 1), new InetSocketAddress("127.0.0.1", 2));
      Scheduler s = create(name, ds);
      Destination first = s.pick(c);
      assertSame(first, s.pick(c), name);
      c.tried(first);
      assertNull(s.pick(c), name);
    }
  }

  @Test
  void concurrentPicksShareOneSequence() throws Exception {
    List<Destination> ds = servers(4, 3, 2);
    Scheduler wrr = create("wrr", ds);
    Map<Destination, AtomicInteger> picks = new ConcurrentHashMap<>();
    int threads = 4;
    int perThread = 9 * 5000;
    CountDownLatch done = new CountDownLatch(threads);
    for (int t = 0; t < threads; t++) {
      Thread.ofPlatform().start(() -> {
        for (int i = 0; i < perThread; i++) {
          picks.computeIfAbsent(wrr.pick(ANY), k -> new AtomicInteger()).incrementAndGet();
        }
        done.countDown();
      });
    }
    done.await();
    // Whole cycles were taken in total, so the split is exactly 4:3:2 however the threads interleaved.
    int cycles = threads * perThread / 9;
    assertEquals(4 * cycles, picks.get(ds.get(0)).get());
    assertEquals(3 * cycles, picks.get(ds.get(1)).get());
    assertEquals(2 * cycles, picks.get(ds.get(2)).get());
  }
}
