package io.vsd.services.scheduler;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.vsd.services.model.Endpoint;
import io.vsd.services.model.ForwardingMethod;
import io.vsd.services.model.RealServer;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.UnknownHostException;
import java.util.ArrayList;
import java.util.Collections;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.Set;
import org.junit.jupiter.api.Test;

/** mh: balance, disruption, weights, order independence, quiescence, fallback and mh-port. */
class MaglevHashingTest {

  static Destination server(int i, int weight) {
    RealServer r = new RealServer(Endpoint.parse("10.1." + (i >> 8) + "." + (i & 0xff) + ":8080", 0),
        ForwardingMethod.MASQ, weight, 0, 0);
    return new Destination(r, weight, new ConnectionCounts());
  }

  static List<Destination> equal(int n) {
    List<Destination> ds = new ArrayList<>();
    for (int i = 0; i < n; i++) {
      ds.add(server(i + 1, 1));
    }
    return ds;
  }

  /** Client i: a distinct IPv4 address 172.16.0.0 + i, port 40000. */
  static PickContext key(int i) {
    try {
      int a = 0xAC100000 + i;
      byte[] b = {(byte) (a >>> 24), (byte) (a >>> 16), (byte) (a >>> 8), (byte) a};
      return new PickContext(new InetSocketAddress(InetAddress.getByAddress(b), 40000),
          new InetSocketAddress("10.0.0.100", 80));
    } catch (UnknownHostException e) {
      throw new AssertionError(e);
    }
  }

  static SchedulerConfig size(int m) {
    return SchedulerConfig.DEFAULT.withMhTableSize(m);
  }

  static Map<Destination, Integer> slots(MaglevTable table) {
    Map<Destination, Integer> count = new HashMap<>();
    for (int i = 0; i < table.size(); i++) {
      count.merge(table.slot(i), 1, Integer::sum);
    }
    return count;
  }

  static String endpoints(MaglevTable table) {
    StringBuilder sb = new StringBuilder();
    for (int i = 0; i < table.size(); i++) {
      sb.append(table.slot(i).server().endpoint()).append(' ');
    }
    return sb.toString();
  }

  @Test
  void balanceAt65537With100EqualServersIsWithinOnePercent() {
    MaglevTable table = MaglevTable.build(equal(100), 65537);
    Map<Destination, Integer> count = slots(table);
    assertEquals(100, count.size());
    double ideal = 65537 / 100.0;
    int max = Collections.max(count.values());
    int min = Collections.min(count.values());
    assertTrue(max / ideal <= 1.01, "max " + max + " slots against an ideal of " + ideal);
    assertTrue(min / ideal >= 0.99, "min " + min + " slots against an ideal of " + ideal);
  }

  @Test
  void removingOneOfTenServersRemapsAboutATenthOfTheKeys() {
    for (int m : new int[] {SchedulerConfig.DEFAULT_MH_TABLE_SIZE, 65521}) {
      List<Destination> ds = equal(10);
      Scheduler before = Schedulers.create("mh", ds, size(m));
      List<Destination> fewer = new ArrayList<>(ds);
      Destination removed = fewer.remove(3);
      Scheduler after = Schedulers.create("mh", fewer, size(m));
      int keys = 100_000;
      int moved = 0;
      int onRemoved = 0;
      for (int i = 0; i < keys; i++) {
        PickContext c = key(i);
        Destination was = before.pick(c);
        if (was == removed) {
          onRemoved++;
        }
        if (after.pick(c) != was) {
          moved++;
        }
      }
      double fraction = moved / (double) keys;
      assertTrue(fraction <= 1.2 / 10, "M=" + m + ": " + fraction + " of the keys moved");
      assertTrue(onRemoved / (double) keys >= 0.09, "M=" + m + ": the removed server had " + onRemoved + " keys");
      assertTrue(moved >= onRemoved, "every key of the removed server moves");
    }
  }

  @Test
  void addingAServerTakesKeysOnlyForItself() {
    List<Destination> ds = equal(10);
    Scheduler before = Schedulers.create("mh", ds, SchedulerConfig.DEFAULT);
    List<Destination> more = new ArrayList<>(ds);
    Destination added = server(200, 1);
    more.add(added);
    Scheduler after = Schedulers.create("mh", more, SchedulerConfig.DEFAULT);
    int moved = 0;
    int toAdded = 0;
    for (int i = 0; i < 100_000; i++) {
      Destination now = after.pick(key(i));
      if (now != before.pick(key(i))) {
        moved++;
        if (now == added) {
          toAdded++;
        }
      }
    }
    assertTrue(moved / 100_000.0 <= 1.2 / 11, moved + " keys moved");
    assertTrue(toAdded / (double) moved >= 0.8, "most moved keys went to the new server: " + toAdded + " of " + moved);
  }

  @Test
  void theTableDependsOnlyOnTheSetOfServersNotTheirOrder() {
    List<Destination> ds = new ArrayList<>();
    for (int i = 0; i < 20; i++) {
      ds.add(server(i * 37 % 101, 1 + i % 4));
    }
    String reference = endpoints(MaglevTable.build(ds, 4093));
    Random random = new Random(7);
    for (int round = 0; round < 5; round++) {
      List<Destination> shuffled = new ArrayList<>(ds);
      Collections.shuffle(shuffled, random);
      assertEquals(reference, endpoints(MaglevTable.build(shuffled, 4093)), "round " + round);
    }
  }

  @Test
  void slotsFollowTheWeights() {
    List<Destination> ds = List.of(server(1, 1), server(2, 2), server(3, 3));
    Map<Destination, Integer> count = slots(MaglevTable.build(ds, 65521));
    for (int i = 0; i < 3; i++) {
      double share = count.get(ds.get(i)) / 65521.0;
      assertEquals((i + 1) / 6.0, share, 0.01, "server " + i);
    }
  }

  @Test
  void aQuiescedServerKeepsItsSlotsButIsNotPicked() {
    List<Destination> ds = equal(5);
    List<Destination> quiesced = new ArrayList<>(ds);
    Destination q = ds.get(2);
    Destination zero = new Destination(q.server().withWeight(0), 0, q.counts());
    quiesced.set(2, zero);
    assertEquals(endpoints(MaglevTable.build(ds, 4093)), endpoints(MaglevTable.build(quiesced, 4093)),
        "weight 0 keeps the slots");
    Scheduler before = Schedulers.create("mh", ds, SchedulerConfig.DEFAULT);
    Scheduler plain = Schedulers.create("mh", quiesced, SchedulerConfig.DEFAULT);
    Scheduler fallback = Schedulers.create("mh", quiesced, SchedulerConfig.of(Set.of("mh-fallback")));
    int orphans = 0;
    for (int i = 0; i < 20_000; i++) {
      PickContext c = key(i);
      Destination was = before.pick(c);
      if (was == q) {
        orphans++;
        assertNull(plain.pick(c), "no fallback: no pick");
        Destination other = fallback.pick(c);
        assertNotNull(other);
        assertTrue(other != zero && other.weight() > 0);
        assertSame(other, fallback.pick(c), "the fallback is deterministic");
      } else {
        assertEquals(was.server(), plain.pick(c).server(), "other keys stay");
        assertEquals(was.server(), fallback.pick(c).server(), "other keys stay with mh-fallback too");
      }
    }
    assertTrue(orphans > 0);
  }

  @Test
  void mhPortAddsTheSourcePortToTheKey() throws Exception {
    List<Destination> ds = equal(10);
    Scheduler plain = Schedulers.create("mh", ds, SchedulerConfig.DEFAULT);
    Scheduler port = Schedulers.create("mh", ds, SchedulerConfig.of(Set.of("mh-port")));
    InetSocketAddress vip = new InetSocketAddress("10.0.0.100", 80);
    InetAddress client = InetAddress.getByName("172.16.5.5");
    Destination first = plain.pick(new PickContext(new InetSocketAddress(client, 1000), vip));
    int differ = 0;
    java.util.Set<Destination> seen = new java.util.HashSet<>();
    for (int p = 1000; p < 1100; p++) {
      PickContext c = new PickContext(new InetSocketAddress(client, p), vip);
      assertSame(first, plain.pick(c), "without mh-port the port is not part of the key");
      Destination d = port.pick(c);
      seen.add(d);
      if (d != first) {
        differ++;
      }
    }
    assertTrue(differ > 50 && seen.size() >= 8, "with mh-port, ports spread over the servers: " + seen.size());
  }

  @Test
  void tableSizeIsConfigurable() {
    assertEquals(4093, new MaglevHashing(equal(3), SchedulerConfig.DEFAULT).table().size());
    assertEquals(65521, new MaglevHashing(equal(3), size(65521)).table().size());
    assertEquals(251, new MaglevHashing(equal(3), size(251)).table().size());
    assertTrue(SchedulerConfig.isValidMhTableSize(65537));
    assertTrue(SchedulerConfig.isValidMhTableSize(131071));
    assertTrue(!SchedulerConfig.isValidMhTableSize(4096) && !SchedulerConfig.isValidMhTableSize(241)
        && !SchedulerConfig.isValidMhTableSize(131101));
  }

  @Test
  void ipv6ServersAndClientsWork() throws Exception {
    List<Destination> ds = new ArrayList<>();
    for (int i = 1; i <= 4; i++) {
      RealServer r = new RealServer(Endpoint.parse("[2001:db8::" + i + "]:80", 0), ForwardingMethod.MASQ, 1, 0, 0);
      ds.add(new Destination(r, 1, new ConnectionCounts()));
    }
    Scheduler mh = Schedulers.create("mh", ds, SchedulerConfig.DEFAULT);
    Set<Destination> seen = new java.util.HashSet<>();
    for (int i = 0; i < 200; i++) {
      PickContext c = new PickContext(new InetSocketAddress(InetAddress.getByName("2001:db8:1::" + Integer.toHexString(i + 1)), 1),
          new InetSocketAddress(InetAddress.getByName("2001:db8::100"), 80));
      Destination d = mh.pick(c);
      assertSame(d, mh.pick(c));
      seen.add(d);
    }
    assertEquals(4, seen.size());
  }
}
