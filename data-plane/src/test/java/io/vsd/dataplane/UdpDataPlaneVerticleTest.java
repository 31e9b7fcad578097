package io.vsd.dataplane;

import static io.vsd.dataplane.UdpEchoServer.freeUdpPort;
import static io.vsd.dataplane.UdpTestDirector.addUdpService;
import static io.vsd.dataplane.UdpTestDirector.deleteService;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;

import io.vertx.core.json.JsonObject;
import io.vsd.eventbus.RoutingApplied;
import java.io.IOException;
import java.net.DatagramPacket;
import java.net.DatagramSocket;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.SocketTimeoutException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import java.util.concurrent.TimeUnit;
import java.util.function.Predicate;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * The UDP data plane end to end: real datagram sockets on loopback, a director composed as in production, UDP
 * real servers on virtual threads, and a real DNS server (dnsmasq) asked by a real client (dig).
 */
@Timeout(value = 60, unit = TimeUnit.SECONDS)
class UdpDataPlaneVerticleTest {
  private static final UdpOptions DEFAULTS = UdpOptions.defaults();

  @TempDir
  Path tmp;

  @ParameterizedTest(name = "preferNative={0}")
  @ValueSource(booleans = {true, false})
  void eachClientGetsASessionWithTheNextRealServerAndRepliesComeFromTheServiceAddress(boolean preferNative)
      throws Exception {
    try (UdpEchoServer a = new UdpEchoServer("127.0.0.1", "A");
         UdpEchoServer b = new UdpEchoServer("127.0.0.1", "B");
         UdpTestDirector d = new UdpTestDirector(DEFAULTS, preferNative)) {
      int port = freeUdpPort("127.0.0.1");
      String key = "udp/127.0.0.1:" + port;
      RoutingApplied applied = d.change(addUdpService("127.0.0.1:" + port, "rr", false, a.address(), b.address()));
      assertEquals(java.util.Map.of(), applied.listenerErrors());
      InetSocketAddress service = new InetSocketAddress("127.0.0.1", port);

      List<String> names = new ArrayList<>();
      List<DatagramSocket> clients = new ArrayList<>();
      try {
        for (int i = 0; i < 4; i++) {
          DatagramSocket c = client();
          clients.add(c);
          names.add(ask(c, service, "hello " + i).split(":")[0]);
        }
        assertEquals(List.of("A", "B", "A", "B"), names, "rr over the clients' sessions");
        // The same client again, several times: its session keeps it on its real server.
        for (int round = 0; round < 3; round++) {
          for (int i = 0; i < 4; i++) {
            assertEquals(names.get(i) + ":again " + round, ask(clients.get(i), service, "again " + round));
          }
        }
        // Each real server saw one session socket per client, not one per datagram.
        assertEquals(2, a.peers.stream().distinct().count());
        assertEquals(8, a.peers.size());

        // UDP entries count as InActConn, as in IPVS; each session is a connection, each datagram a packet.
        JsonObject s = d.service(key);
        assertEquals("listening", s.getString("listener"));
        assertEquals(0, s.getInteger("activeConns"));
        assertEquals(4, s.getInteger("inactConns"));
        assertEquals(2, s.getJsonObject("servers").getJsonObject(a.address()).getInteger("inactConns"));
        assertEquals(4, s.getJsonObject("udp").getInteger("sessions"));
        JsonObject stats = s.getJsonObject("stats");
        assertEquals(4, stats.getLong("conns"));
        assertEquals(16, stats.getLong("inPkts"));
        assertEquals(16, stats.getLong("outPkts"));
        assertEquals(2, s.getJsonObject("servers").getJsonObject(b.address()).getJsonObject("stats").getLong("conns"));
        assertEquals(4, d.status().getJsonObject("udp").getInteger("sessions"));
        // vsadm -L -c: one row per session, state UDP, sorted by source, expiring in the udp timeout (300 s).
        JsonObject list = TestDirector.await(d.vertx.eventBus().<JsonObject>request(
            io.vsd.eventbus.Addresses.DATA_PLANE_CONNECTIONS, new JsonObject())).body();
        assertEquals(4, list.getLong("total"));
        List<String> expected = new ArrayList<>();
        for (int i = 0; i < 4; i++) {
          InetSocketAddress c = (InetSocketAddress) clients.get(i).getLocalSocketAddress();
          expected.add("127.0.0.1:" + c.getPort() + " -> " + (names.get(i).equals("A") ? a.address() : b.address()));
        }
        List<String> rows = new ArrayList<>();
        for (Object o : list.getJsonArray("connections")) {
          JsonObject r = (JsonObject) o;
          assertEquals("UDP", r.getString("protocol"));
          assertEquals("UDP", r.getString("state"));
          assertEquals(key, r.getString("service"));
          assertEquals("127.0.0.1:" + port, r.getString("virtual"));
          long expires = r.getLong("expires");
          assertTrue(expires > 240 && expires <= 300, r.encode());
          rows.add(r.getString("source") + " -> " + r.getString("destination"));
        }
        assertEquals(expected.stream().sorted(java.util.Comparator.comparingInt(
            x -> Integer.parseInt(x.substring(10, x.indexOf(' '))))).toList(), rows);
        // Each session's pick was timed, under the service's scheduler (vsd_scheduler_pick_seconds).
        assertEquals("rr", s.getJsonObject("picks").getString("scheduler"));
        assertEquals(4, s.getJsonObject("picks").getLong("count"));
      } finally {
        clients.forEach(DatagramSocket::close);
      }
    }
  }

  @Test
  void aLargeDatagramPassesWholeBothWays() throws Exception {
    try (UdpEchoServer a = new UdpEchoServer("127.0.0.1", "A");
         UdpTestDirector d = new UdpTestDirector(DEFAULTS, true);
         DatagramSocket c = client()) {
      int port = freeUdpPort("127.0.0.1");
      d.change(addUdpService("127.0.0.1:" + port, "rr", false, a.address()));
      byte[] payload = new byte[60_000];
      new Random(7).nextBytes(payload);
      c.send(new DatagramPacket(payload, payload.length, new InetSocketAddress("127.0.0.1", port)));
      byte[] buf = new byte[65535];
      DatagramPacket reply = new DatagramPacket(buf, buf.length);
      c.receive(reply);
      assertEquals(60_002, reply.getLength());
      assertArrayEquals(payload, java.util.Arrays.copyOfRange(buf, 2, 60_002));
    }
  }

  @Test
  void anIpv6ServiceForwardsToAnIpv4RealServer() throws Exception {
    try (UdpEchoServer a = new UdpEchoServer("127.0.0.1", "A");
         UdpTestDirector d = new UdpTestDirector(DEFAULTS, true);
         DatagramSocket c = new DatagramSocket(new InetSocketAddress("::1", 0))) {
      c.setSoTimeout(5_000);
      int port = freeUdpPort("::1");
      d.change(addUdpService("[::1]:" + port, "rr", false, a.address()));
      c.send(packet("six", new InetSocketAddress("::1", port)));
      DatagramPacket reply = receive(c);
      assertEquals("A:six", text(reply));
      assertEquals(new InetSocketAddress("::1", port), reply.getSocketAddress());
    }
  }

  /** A session ends after the udp timeout; the client's next datagram is a new session, scheduled anew. */
  @Test
  void aSessionExpiresAfterTheUdpTimeoutAndTheNextQueryIsScheduledAgain() throws Exception {
    try (Dnsmasq a = Dnsmasq.start("10.9.8.7", tmp);
         Dnsmasq b = Dnsmasq.start("10.9.8.8", tmp);
         UdpTestDirector d = new UdpTestDirector(DEFAULTS, true)) {
      int port = freeUdpPort("127.0.0.1");
      String key = "udp/127.0.0.1:" + port;
      d.change(addUdpService("127.0.0.1:" + port, "rr", false, a.address(), b.address()));
      int source = freeUdpPort("127.0.0.1");
      // dig from one source port, one process after another: one client address, so one session.
      assertEquals(a.answer, Dnsmasq.dig(port, source, 2));
      assertEquals(a.answer, Dnsmasq.dig(port, source, 2));
      assertEquals(1, d.service(key).getJsonObject("udp").getInteger("sessions"));
      assertEquals(1, d.service(key).getInteger("inactConns"));
      // ipvsadm --set 0 0 3: the udp timeout goes from 300 s to 3 s, for the open session too.
      d.change(new JsonObject().put("action", io.vsd.eventbus.TableCommands.SET_TIMEOUTS)
          .put("body", new JsonObject().put("tcp", 0).put("tcpfin", 0).put("udp", 3)));
      assertEquals(3.0, d.status().getJsonObject("udp").getDouble("timeout"));
      // The timeout passes with no datagram: the session is gone, and its InActConn with it.
      awaitService(d, key, s -> s.getJsonObject("udp").getInteger("sessions") == 0 && s.getInteger("inactConns") == 0,
          Duration.ofSeconds(10));
      assertEquals(b.answer, Dnsmasq.dig(port, source, 2), "a new session: rr moves on to the other server");
      assertEquals(b.answer, Dnsmasq.dig(port, source, 2));
      assertEquals(2, d.service(key).getJsonObject("stats").getLong("conns"));
    }
  }

  /** One-packet scheduling: each query from the same client socket is scheduled anew, and leaves no session. */
  @Test
  void onePacketSchedulingSchedulesEveryDatagram() throws Exception {
    try (Dnsmasq a = Dnsmasq.start("10.9.8.7", tmp);
         Dnsmasq b = Dnsmasq.start("10.9.8.8", tmp);
         UdpTestDirector d = new UdpTestDirector(DEFAULTS, true)) {
      int port = freeUdpPort("127.0.0.1");
      String key = "udp/127.0.0.1:" + port;
      d.change(addUdpService("127.0.0.1:" + port, "rr", true, a.address(), b.address()));
      int source = freeUdpPort("127.0.0.1");
      List<String> answers = new ArrayList<>();
      for (int i = 0; i < 6; i++) {
        answers.add(Dnsmasq.dig(port, source, 2));
      }
      assertEquals(List.of(a.answer, b.answer, a.answer, b.answer, a.answer, b.answer), answers);
      // Each exchange ended with its reply: nothing is kept.
      awaitService(d, key, s -> s.getJsonObject("udp").getInteger("sessions") == 0 && s.getInteger("inactConns") == 0,
          Duration.ofSeconds(5));
      assertEquals(6, d.service(key).getJsonObject("stats").getLong("conns"));

      // The same client without -o keeps one real server (the contrast that makes the test mean something).
      int plain = freeUdpPort("127.0.0.1");
      d.change(addUdpService("127.0.0.1:" + plain, "rr", false, a.address(), b.address()));
      String first = Dnsmasq.dig(plain, source, 2);
      for (int i = 0; i < 3; i++) {
        assertEquals(first, Dnsmasq.dig(plain, source, 2));
      }
    }
  }

  /** The table holds at most maxSessions: a new client evicts the least recently used one, and it is counted. */
  @Test
  void aFullSessionTableEvictsTheLeastRecentlyUsedAndCountsIt() throws Exception {
    try (UdpEchoServer a = new UdpEchoServer("127.0.0.1", "A");
         UdpEchoServer b = new UdpEchoServer("127.0.0.1", "B");
         UdpTestDirector d = new UdpTestDirector(new UdpOptions(2), true);
         DatagramSocket c1 = client();
         DatagramSocket c2 = client();
         DatagramSocket c3 = client()) {
      int port = freeUdpPort("127.0.0.1");
      String key = "udp/127.0.0.1:" + port;
      d.change(addUdpService("127.0.0.1:" + port, "rr", false, a.address(), b.address()));
      InetSocketAddress service = new InetSocketAddress("127.0.0.1", port);
      assertEquals("A:1", ask(c1, service, "1"));
      assertEquals("B:2", ask(c2, service, "2"));
      assertEquals("A:1", ask(c1, service, "1")); // c1 used last: c2 is now the least recently used
      assertEquals(0, d.status().getJsonObject("udp").getLong("evicted"));
      assertEquals("A:3", ask(c3, service, "3")); // the table is full: c2's session goes
      JsonObject status = d.status();
      assertEquals(1, status.getJsonObject("udp").getLong("evicted"));
      assertEquals(2, status.getJsonObject("udp").getInteger("sessions"));
      assertEquals(1, status.getJsonObject("services").getJsonObject(key).getJsonObject("udp").getLong("evicted"));
      JsonObject servers = status.getJsonObject("services").getJsonObject(key).getJsonObject("servers");
      assertEquals(0, servers.getJsonObject(b.address()).getInteger("inactConns"), "c2's session no longer counts");
      assertEquals(2, servers.getJsonObject(a.address()).getInteger("inactConns"));
      // c1 kept its session; c2 gets a new one (evicting c1's, now the oldest), scheduled anew: rr says B.
      assertEquals("A:1", ask(c1, service, "1"));
      assertEquals("B:2", ask(c2, service, "2"));
      assertEquals(2, d.status().getJsonObject("udp").getLong("evicted"));
      assertEquals("A:3", ask(c3, service, "3"));
      assertEquals(3, d.status().getJsonObject("udp").getLong("evicted"), "c3 was the oldest after c1 left");
      assertEquals(2, d.status().getJsonObject("udp").getInteger("sessions"));
    }
  }

  /** A persistent UDP service keeps a client address on its real server across sessions (new source ports). */
  @Test
  void persistenceKeepsAClientOnItsRealServerAndZeroClearsTheCounters() throws Exception {
    try (UdpEchoServer a = new UdpEchoServer("127.0.0.1", "A");
         UdpEchoServer b = new UdpEchoServer("127.0.0.1", "B");
         UdpTestDirector d = new UdpTestDirector(DEFAULTS, true)) {
      int port = freeUdpPort("127.0.0.1");
      String key = "udp/127.0.0.1:" + port;
      JsonObject add = addUdpService("127.0.0.1:" + port, "rr", false, a.address(), b.address());
      add.getJsonObject("body").put("persistence", new JsonObject().put("timeout", 60));
      d.change(add);
      InetSocketAddress service = new InetSocketAddress("127.0.0.1", port);
      // Five client sockets of 127.0.0.1: five sessions, one template, one real server.
      for (int i = 0; i < 5; i++) {
        try (DatagramSocket c = client()) {
          assertEquals("A:" + i, ask(c, service, String.valueOf(i)));
        }
      }
      JsonObject s = d.service(key);
      assertEquals(1, s.getJsonObject("servers").getJsonObject(a.address()).getInteger("persistConns"));
      assertEquals(5, s.getJsonObject("stats").getLong("conns"));
      assertEquals(0, b.peers.size(), "rr alone would have sent the second session to B");

      // ipvsadm -Z reaches the UDP counters through the data plane's one zero address.
      TestDirector.await(d.vertx.eventBus().request(io.vsd.eventbus.Addresses.DATA_PLANE_ZERO,
          new JsonObject().put("service", key)));
      assertEquals(0, d.service(key).getJsonObject("stats").getLong("conns"));
      assertEquals(0, d.service(key).getJsonObject("servers").getJsonObject(a.address()).getJsonObject("stats")
          .getLong("inPkts"));
    }
  }

  /** ICMP port unreachable on the session's socket ends it: the client's retry goes to another real server. */
  @ParameterizedTest(name = "preferNative={0}")
  @ValueSource(booleans = {true, false})
  void aRealServerWithNothingListeningEndsTheSessionAndTheRetryGoesElsewhere(boolean preferNative) throws Exception {
    try (UdpEchoServer a = new UdpEchoServer("127.0.0.1", "A");
         UdpTestDirector d = new UdpTestDirector(DEFAULTS, preferNative);
         DatagramSocket c = client()) {
      int dead = freeUdpPort("127.0.0.1");
      int port = freeUdpPort("127.0.0.1");
      String key = "udp/127.0.0.1:" + port;
      d.change(addUdpService("127.0.0.1:" + port, "rr", false, "127.0.0.1:" + dead, a.address()));
      InetSocketAddress service = new InetSocketAddress("127.0.0.1", port);
      c.setSoTimeout(300);
      c.send(packet("first", service));
      assertThrows(SocketTimeoutException.class, () -> c.receive(new DatagramPacket(new byte[100], 100)),
          "the first session went to the dead port");
      // The session was made, then ended by the ICMP error (not by its 300 s timeout).
      awaitService(d, key, s -> s.getJsonObject("stats").getLong("conns") == 1
          && s.getJsonObject("udp").getInteger("sessions") == 0, Duration.ofSeconds(5));
      c.setSoTimeout(5_000);
      assertEquals("A:retry", ask(c, service, "retry"));
    }
  }

  @Test
  void aTakenPortIsReportedAndRemovingTheServiceClosesItsSocket() throws Exception {
    try (UdpEchoServer a = new UdpEchoServer("127.0.0.1", "A");
         UdpTestDirector d = new UdpTestDirector(DEFAULTS, true);
         DatagramSocket taken = new DatagramSocket(new InetSocketAddress("127.0.0.1", 0));
         DatagramSocket c = client()) {
      int takenPort = taken.getLocalPort();
      RoutingApplied refused = d.change(addUdpService("127.0.0.1:" + takenPort, "rr", false, a.address()));
      assertEquals("Address already in use", refused.listenerErrors().get("udp/127.0.0.1:" + takenPort));
      assertEquals("error: Address already in use", d.service("udp/127.0.0.1:" + takenPort).getString("listener"));

      int port = freeUdpPort("127.0.0.1");
      d.change(addUdpService("127.0.0.1:" + port, "rr", false, a.address()));
      InetSocketAddress service = new InetSocketAddress("127.0.0.1", port);
      assertEquals("A:x", ask(c, service, "x"));
      d.change(deleteService("udp/127.0.0.1:" + port));
      // The port is free again: the director's socket is closed.
      try (DatagramSocket again = new DatagramSocket(service)) {
        assertEquals(port, again.getLocalPort());
      }
      assertEquals(0, d.status().getJsonObject("udp").getInteger("sessions"), "its sessions closed with it");
    }
  }

  // ---- helpers ----

  private static DatagramSocket client() throws IOException {
    DatagramSocket s = new DatagramSocket(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0));
    s.setSoTimeout(5_000);
    return s;
  }

  private static DatagramPacket packet(String text, InetSocketAddress to) {
    byte[] b = text.getBytes(StandardCharsets.UTF_8);
    return new DatagramPacket(b, b.length, to);
  }

  private static DatagramPacket receive(DatagramSocket s) throws IOException {
    DatagramPacket p = new DatagramPacket(new byte[65535], 65535);
    s.receive(p);
    return p;
  }

  private static String text(DatagramPacket p) {
    return new String(p.getData(), 0, p.getLength(), StandardCharsets.UTF_8);
  }

  /** Sends {@code text} to the service and returns the reply, which must come from the service address. */
  private static String ask(DatagramSocket s, InetSocketAddress service, String text) throws IOException {
    s.send(packet(text, service));
    DatagramPacket reply = receive(s);
    assertEquals(service, reply.getSocketAddress(), "the reply comes from the service address");
    return text(reply);
  }

  private static void awaitService(UdpTestDirector d, String key, Predicate<JsonObject> done, Duration within) {
    long deadline = System.nanoTime() + within.toNanos();
    JsonObject last = null;
    while (System.nanoTime() < deadline) {
      last = d.service(key);
      if (last != null && done.test(last)) {
        return;
      }
      TestDirector.sleep(20);
    }
    fail("service " + key + " did not reach the expected state within " + within + ": "
        + (last == null ? null : last.encodePrettily()));
  }
}
