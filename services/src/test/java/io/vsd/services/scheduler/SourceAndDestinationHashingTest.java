package io.vsd.services.scheduler;

import static io.vsd.services.scheduler.SchedulerSequenceTest.create;
import static io.vsd.services.scheduler.SchedulerSequenceTest.servers;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertSame;

import io.vsd.services.model.Endpoint;
import io.vsd.services.model.ForwardingMethod;
import io.vsd.services.model.RealServer;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.util.List;
import java.util.Set;
import org.junit.jupiter.api.Test;

/** sh and dh: the kernel's 256-bucket tables and hash_32. Expected buckets were computed apart, in Python. */
class SourceAndDestinationHashingTest {

  static PickContext client(String ip, int port) {
    return new PickContext(new InetSocketAddress(ip, port), new InetSocketAddress("10.0.0.100", 80));
  }

  static PickContext toVirtual(String vip) {
    return new PickContext(new InetSocketAddress("192.0.2.7", 5555), new InetSocketAddress(vip, 80));
  }

  static String letters(Destination[] buckets, List<Destination> ds, int n) {
    StringBuilder sb = new StringBuilder();
    for (int i = 0; i < n; i++) {
      sb.append((char) ('A' + ds.indexOf(buckets[i])));
    }
    return sb.toString();
  }

  @Test
  void hash32IsTheKernels() throws Exception {
    // (0x0A000001 * 0x61C88647) mod 2^32 = 0x27A7BE47 (top 8 bits 39), and so on.
    assertEquals(39, HashKeys.hash32(0x0A000001, 8));
    assertEquals(202, HashKeys.hash32(0xC0A80114, 8));
    assertEquals(203, HashKeys.hash32(0x0A000001 + 40000, 8));
    assertEquals(248, HashKeys.hash32(0x0A000064, 8));
    assertEquals(0x0A000001, HashKeys.fold(InetAddress.getByName("10.0.0.1")));
    // IPv6 folds its four words by XOR, as the kernel does: these two addresses share a key.
    assertEquals(0x20010db9, HashKeys.fold(InetAddress.getByName("2001:db8::1")));
    assertEquals(0x20010db9, HashKeys.fold(InetAddress.getByName("::2001:db8:0:1")));
  }

  @Test
  void shTilesTheBucketsByWeightInOrder() {
    List<Destination> ds = servers(4, 3, 2);
    Destination[] buckets = SourceHashing.tile(ds);
    assertEquals("AAAABBBCC" + "AAAABBBCC", letters(buckets, ds, 18));
    // 256 = 28 rounds of 9, then 4 more buckets: A's.
    int[] count = new int[3];
    for (Destination d : buckets) {
      count[ds.indexOf(d)]++;
    }
    assertEquals(List.of(116, 84, 56), List.of(count[0], count[1], count[2]));
  }

  @Test
  void shGivesAQuiescentServerOneBucket() {
    List<Destination> ds = servers(2, 0, 1);
    assertEquals("AABC" + "AABC", letters(SourceHashing.tile(ds), ds, 8));
  }

  @Test
  void shSendsAClientToItsBucketsServerWhateverItsPort() {
    List<Destination> ds = servers(4, 3, 2);
    Scheduler sh = create("sh", ds);
    // 10.0.0.1 -> bucket 39 -> 39 mod 9 = 3: A. 192.168.1.20 -> bucket 202 -> 202 mod 9 = 4: B.
    for (int port = 1000; port < 1010; port++) {
      assertSame(ds.get(0), sh.pick(client("10.0.0.1", port)));
      assertSame(ds.get(1), sh.pick(client("192.168.1.20", port)));
    }
  }

  @Test
  void shPortAddsTheSourcePortToTheKey() {
    List<Destination> ds = servers(4, 3, 2);
    Scheduler sh = Schedulers.create("sh", ds, SchedulerConfig.of(Set.of("sh-port")));
    // 10.0.0.1:40000 -> hash_32(0x0A000001 + 40000) = 203 -> 203 mod 9 = 5: B, where without the flag it is A.
    assertSame(ds.get(1), sh.pick(client("10.0.0.1", 40000)));
    assertSame(ds.get(0), create("sh", ds).pick(client("10.0.0.1", 40000)));
    int moved = 0;
    for (int port = 1000; port < 1100; port++) {
      if (sh.pick(client("10.0.0.1", port)) != ds.get(0)) {
        moved++;
      }
    }
    assertNotEquals(0, moved, "other ports reach other servers");
  }

  @Test
  void shWithAnUnavailableServerPicksNothingUnlessFallback() {
    List<Destination> ds = List.of(
        new Destination(new RealServer(Endpoint.parse("10.0.0.1:80", 0), ForwardingMethod.MASQ, 4, 1, 0), 4,
            new ConnectionCounts()),
        new Destination(new RealServer(Endpoint.parse("10.0.0.2:80", 0), ForwardingMethod.MASQ, 3, 0, 0), 3,
            new ConnectionCounts()));
    ds.getFirst().connectionOpened(); // A OVERLOADED (upper 1)
    PickContext c = client("127.0.0.1", 1000);
    assertNull(create("sh", ds).pick(c), "127.0.0.1 -> bucket 154 -> 154 mod 7 = 0: A's");
    Scheduler fallback = Schedulers.create("sh", ds, SchedulerConfig.of(Set.of("sh-fallback")));
    assertSame(ds.get(1), fallback.pick(c));
    assertSame(ds.get(1), fallback.pick(client("127.0.0.1", 2000)), "the fallback is deterministic");
    ds.getFirst().connectionClosed(true);
    assertSame(ds.getFirst(), fallback.pick(c), "back to its own server once A is available");
  }

  @Test
  void dhPutsOneServerPerBucketInRotation() {
    List<Destination> ds = servers(5, 1, 1);
    // 10.0.0.100 -> bucket 248 -> 248 mod 3 = 2: C, whoever the client is, and weight plays no part.
    Scheduler dh = create("dh", ds);
    assertSame(ds.get(2), dh.pick(toVirtual("10.0.0.100")));
    assertSame(ds.get(2), dh.pick(new PickContext(new InetSocketAddress("198.51.100.1", 1),
        new InetSocketAddress("10.0.0.100", 443))));
    int[] count = new int[3];
    for (int i = 0; i < 3000; i++) {
      count[ds.indexOf(dh.pick(toVirtual("10.1." + (i >> 8) + "." + (i & 0xff))))]++;
    }
    for (int c : count) {
      assertEquals(1000, c, 150, "one bucket each in turn, whatever the weights");
    }
  }

  @Test
  void dhWithAnUnavailableServerPicksNothing() {
    List<Destination> ds = servers(1, 1, 0);
    assertNull(create("dh", ds).pick(toVirtual("10.0.0.100")), "C is quiescent");
    assertNotNull(create("dh", servers(1, 1, 1)).pick(toVirtual("10.0.0.100")));
  }
}
