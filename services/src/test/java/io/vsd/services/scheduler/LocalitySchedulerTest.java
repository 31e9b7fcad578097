package io.vsd.services.scheduler;

import static io.vsd.services.scheduler.SchedulerSequenceTest.servers;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertSame;

import java.net.InetSocketAddress;
import java.util.List;
import java.util.concurrent.atomic.AtomicLong;
import org.junit.jupiter.api.Test;

/** lblc and lblcr: the locality rules, and expiry on a clock the test drives. */
class LocalitySchedulerTest {
  private static final long MINUTE = 60_000;
  private static final long HOUR = 60 * MINUTE;
  private final AtomicLong clock = new AtomicLong(1_000_000);

  private Scheduler create(String name, List<Destination> ds) {
    return Schedulers.create(name, ds, SchedulerConfig.DEFAULT.withClock(clock::get));
  }

  static PickContext to(String vip) {
    return new PickContext(new InetSocketAddress("192.0.2.1", 5000), new InetSocketAddress(vip, 80));
  }

  private static String letters(List<Destination> ds, Destination... picked) {
    StringBuilder sb = new StringBuilder();
    for (Destination d : picked) {
      sb.append((char) ('A' + ds.indexOf(d)));
    }
    return sb.toString();
  }

  @Test
  void lblcSticksToTheCachedServerUntilItIsOverloadedWhileAnotherIsUnderHalf() {
    List<Destination> ds = servers(1, 1);
    Scheduler lblc = create("lblc", ds);
    Destination first = lblc.pick(to("10.0.0.100"));
    first.connectionOpened(); // A: 1 active, not above its weight 1
    Destination second = lblc.pick(to("10.0.0.100"));
    second.connectionOpened(); // A: 2 > 1, and B: 0 * 2 < 1
    Destination third = lblc.pick(to("10.0.0.100"));
    assertEquals("AAB", letters(ds, first, second, third), "wlc would have taken B second");
    third.connectionOpened();
    third.connectionOpened(); // B: 2 > 1, but no server is under half its weight: B stays
    assertSame(ds.get(1), lblc.pick(to("10.0.0.100")));
    assertSame(ds.get(1), lblc.pick(to("10.0.0.100")));
  }

  @Test
  void lblcKeysOnTheDestinationAddress() {
    List<Destination> ds = servers(1, 1);
    Scheduler lblc = create("lblc", ds);
    assertSame(ds.get(0), lblc.pick(to("10.0.0.100")));
    ds.get(0).connectionOpened();
    assertSame(ds.get(1), lblc.pick(to("10.0.0.101")), "a new destination IP is a miss: wlc");
    assertSame(ds.get(0), lblc.pick(to("10.0.0.100")), "the first keeps its server");
  }

  @Test
  void lblcEntriesExpireAfter24HoursIdle() {
    List<Destination> ds = servers(1, 1);
    LocalityBasedLeastConnection lblc = (LocalityBasedLeastConnection) create("lblc", ds);
    assertSame(ds.get(0), lblc.pick(to("10.0.0.100")));
    ds.get(0).connectionOpened(); // from now on wlc prefers B, so a fresh pick for .100 shows up as B

    clock.addAndGet(24 * HOUR - MINUTE);
    assertSame(ds.get(1), lblc.pick(to("10.0.0.101"))); // runs the collection: .100 is idle 23h59m
    assertEquals(2, lblc.cache().entries());

    clock.addAndGet(MINUTE);
    lblc.pick(to("10.0.0.101")); // the next collection, 60 s later: .100 is idle 24 h
    assertEquals(1, lblc.cache().entries());
    assertSame(ds.get(1), lblc.pick(to("10.0.0.100")), "expired: scheduled afresh by wlc");
  }

  @Test
  void lblcEntriesInUseDoNotExpire() {
    List<Destination> ds = servers(1, 1);
    LocalityBasedLeastConnection lblc = (LocalityBasedLeastConnection) create("lblc", ds);
    assertSame(ds.get(0), lblc.pick(to("10.0.0.100")));
    ds.get(0).connectionOpened();
    for (int i = 0; i < 10; i++) {
      clock.addAndGet(12 * HOUR);
      assertSame(ds.get(0), lblc.pick(to("10.0.0.100")), "after " + (i + 1) * 12 + " h");
    }
    assertEquals(1, lblc.cache().entries());
  }

  @Test
  void lblcCollectsOnlyEvery60Seconds() {
    List<Destination> ds = servers(1, 1);
    LocalityBasedLeastConnection lblc = (LocalityBasedLeastConnection) create("lblc", ds);
    lblc.pick(to("10.0.0.100"));
    clock.addAndGet(24 * HOUR - 30_000);
    lblc.pick(to("10.0.0.101")); // collection due since long ago: runs now; the next is due in 60 s
    clock.addAndGet(59_000); // .100 idle 24 h 29 s, but no collection is due
    lblc.pick(to("10.0.0.101"));
    assertEquals(2, lblc.cache().entries());
    clock.addAndGet(1_000);
    lblc.pick(to("10.0.0.101"));
    assertEquals(1, lblc.cache().entries());
  }

  @Test
  void lblcrGrowsTheSetWhenItsBestMemberIsOverloaded() {
    List<Destination> ds = servers(1, 1, 1);
    LocalityBasedReplication lblcr = (LocalityBasedReplication) create("lblcr", ds);
    assertSame(ds.get(0), lblcr.pick(to("10.0.0.100")));
    ds.get(0).connectionOpened();
    assertSame(ds.get(0), lblcr.pick(to("10.0.0.100")), "A: 1 active, not above its weight");
    ds.get(0).connectionOpened(); // A: 2 > 1 while B and C are idle: overloaded
    assertSame(ds.get(1), lblcr.pick(to("10.0.0.100")), "wlc over all servers, and B joins the set");
    assertEquals(List.of(ds.get(1), ds.get(0)), members(lblcr, "10.0.0.100"));
    assertSame(ds.get(1), lblcr.pick(to("10.0.0.100")), "the least loaded member of {B, A}");
    ds.get(1).connectionOpened();
    ds.get(1).connectionOpened(); // B: 2 > 1, C idle: the set's best is overloaded again
    assertSame(ds.get(2), lblcr.pick(to("10.0.0.100")));
    assertEquals(List.of(ds.get(2), ds.get(1), ds.get(0)), members(lblcr, "10.0.0.100"));
  }

  @Test
  void lblcrRemovesTheMostLoadedMemberOfASetUnchangedFor24Hours() {
    List<Destination> ds = servers(1, 1);
    LocalityBasedReplication lblcr = (LocalityBasedReplication) create("lblcr", ds);
    lblcr.pick(to("10.0.0.100"));
    ds.get(0).connectionOpened();
    ds.get(0).connectionOpened();
    assertSame(ds.get(1), lblcr.pick(to("10.0.0.100"))); // the set is now {B, A}, changed now
    for (int hour = 1; hour <= 24; hour++) {
      clock.addAndGet(HOUR); // used every hour, so the entry itself never goes idle
      assertSame(ds.get(1), lblcr.pick(to("10.0.0.100")));
      assertEquals(2, members(lblcr, "10.0.0.100").size(), "unchanged for " + hour + " h: not more than 24 h");
    }
    clock.addAndGet(1);
    assertSame(ds.get(1), lblcr.pick(to("10.0.0.100")));
    assertEquals(List.of(ds.get(1)), members(lblcr, "10.0.0.100"), "A, the most loaded, is dropped");
    clock.addAndGet(48 * HOUR - 1);
    lblcr.pick(to("10.0.0.101")); // collects 10.0.0.100, idle 48 h
    assertEquals(1, lblcr.table().entries());
  }

  private static List<Destination> members(LocalityBasedReplication lblcr, String vip) {
    PickContext c = to(vip);
    return List.of(lblcr.table().get(c.virtualHost(), c.virtualFold()).value().members());
  }
}
