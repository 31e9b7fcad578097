package io.vsd.dataplane;

import static io.vsd.dataplane.TestBackend.connect;
import static io.vsd.dataplane.TestBackend.freePort;
import static io.vsd.dataplane.TestBackend.readLine;
import static io.vsd.dataplane.TestBackend.writeLine;
import static io.vsd.dataplane.TestDirector.addService;
import static io.vsd.dataplane.TestDirector.await;
import static io.vsd.dataplane.TestDirector.server;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;

import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import io.vsd.eventbus.Addresses;
import io.vsd.eventbus.TableCommands;
import io.vsd.services.model.Timeouts;
import java.io.IOException;
import java.io.InputStream;
import java.net.Socket;
import java.net.SocketTimeoutException;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * ipvsadm --set tcp tcpfin on the TCP data plane, and its connection list (vsadm -L -c): real sockets on
 * loopback, a director composed as in production, timeouts of 1 and 2 seconds.
 */
@Timeout(value = 60, unit = TimeUnit.SECONDS)
class ConnectionTimeoutsTest {
  private static final String V4 = "127.0.0.1";
  private static final DataPlaneOptions OPTIONS =
      new DataPlaneOptions(3, Duration.ofSeconds(1), Duration.ofSeconds(2), 128);

  private static JsonObject setTimeouts(int tcp, int tcpfin, int udp) {
    return new JsonObject().put("action", TableCommands.SET_TIMEOUTS)
        .put("body", new JsonObject().put("tcp", tcp).put("tcpfin", tcpfin).put("udp", udp));
  }

  /** Milliseconds until the peer closes {@code s} (EOF or reset), or -1 when it is still open after {@code maxMs}. */
  private static long msUntilClosed(Socket s, long maxMs) throws IOException {
    long start = System.nanoTime();
    s.setSoTimeout((int) maxMs);
    InputStream in = s.getInputStream();
    try {
      int b = in.read();
      if (b >= 0) {
        fail("expected nothing but a close, got byte " + b);
      }
    } catch (SocketTimeoutException e) {
      return -1;
    } catch (IOException reset) {
      // a reset is a close too
    }
    return TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - start);
  }

  @Test
  void anIdleConnectionIsClosedAfterTheTcpTimeoutAndABusyOneIsNot() throws Exception {
    try (TestBackend backend = TestBackend.named(V4, "A");
         TestDirector d = TestDirector.start(OPTIONS)) {
      int port = freePort(V4);
      String service = "tcp/127.0.0.1:" + port;
      d.change(addService("127.0.0.1:" + port, "rr", server(backend.address())));
      d.change(setTimeouts(1, 120, 300));
      try (Socket idle = connect(V4, port); Socket busy = connect(V4, port)) {
        assertEquals("A", readLine(idle.getInputStream()));
        assertEquals("A", readLine(busy.getInputStream()));
        long lastByte = System.nanoTime();
        // The busy one sends a line every 300 ms for 2.5 s: never idle for 1 s, so it must stay open.
        for (int i = 0; i < 8; i++) {
          writeLine(busy.getOutputStream(), "ping " + i);
          assertEquals("ping " + i, readLine(busy.getInputStream()));
          Thread.sleep(300);
        }
        long idleFor = TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - lastByte);
        long closedAfter = msUntilClosed(idle, 3_000);
        assertTrue(closedAfter >= 0, "the idle connection was still open " + (idleFor + 3_000) + " ms after its last byte");
        long total = idleFor + closedAfter;
        assertTrue(total >= 900 && total <= 5_000, "closed after " + total + " ms idle with tcp = 1 s");
        writeLine(busy.getOutputStream(), "still there?");
        assertEquals("still there?", readLine(busy.getInputStream()), "the busy connection was closed");
      }
      // The real server's side went with it: nothing is left counted.
      d.awaitCounts(service, backend.address(), 0, 0);
    }
  }

  @Test
  void aHalfClosedConnectionIsClosedAfterTcpfinWhileAnOpenOneKeepsTcp() throws Exception {
    CountDownLatch sawEof = new CountDownLatch(1);
    try (TestBackend backend = TestBackend.start(V4, "hold", s -> {
           InputStream in = s.getInputStream();
           if (in.read() == 'h') {
             // "half": read to the client's FIN, then hold the connection open without a word.
             in.readAllBytes();
             sawEof.countDown();
             Thread.sleep(TestDirector.WAIT_MS);
           } else {
             in.transferTo(s.getOutputStream());
           }
         });
         TestDirector d = TestDirector.start(OPTIONS)) {
      int port = freePort(V4);
      d.change(addService("127.0.0.1:" + port, "rr", server(backend.address())));
      d.change(setTimeouts(30, 1, 300));
      try (Socket half = connect(V4, port); Socket open = connect(V4, port)) {
        writeLine(open.getOutputStream(), "open");
        assertEquals("pen", readLine(open.getInputStream())); // the server ate the first byte
        half.getOutputStream().write("half".getBytes(StandardCharsets.UTF_8));
        half.shutdownOutput();
        assertTrue(sawEof.await(TestDirector.WAIT_MS, TimeUnit.MILLISECONDS), "the real server never saw the FIN");
        long closedAfter = msUntilClosed(half, 4_000);
        assertTrue(closedAfter >= 0, "the half-closed connection was still open 4 s after its FIN, tcpfin = 1 s");
        assertTrue(closedAfter >= 700, "closed " + closedAfter + " ms after the FIN passed, before tcpfin = 1 s");
        // The other one has been idle as long, but it is established: tcp (30 s) applies to it.
        writeLine(open.getOutputStream(), "xyes");
        assertEquals("xyes", readLine(open.getInputStream()), "the open connection was closed");
      }
    }
  }

  @Test
  void aTimeoutChangeAppliesToConnectionsAlreadyOpen() throws Exception {
    try (TestBackend backend = TestBackend.named(V4, "A");
         TestDirector d = TestDirector.start(OPTIONS)) {
      int port = freePort(V4);
      d.change(addService("127.0.0.1:" + port, "rr", server(backend.address())));
      try (Socket s = connect(V4, port)) {
        assertEquals("A", readLine(s.getInputStream()));
        // Under the default 900 s it stays open.
        assertEquals(-1, msUntilClosed(s, 1_500), "closed under the default tcp timeout of 900 s");
        d.change(setTimeouts(1, 0, 0));
        long closedAfter = msUntilClosed(s, 4_000);
        assertTrue(closedAfter >= 0, "the open connection did not take the new tcp timeout of 1 s");
      }
      assertEquals(new Timeouts(1, 120, 300, 0).toString(), d.routing.current().timeouts().toString(),
          "0 keeps tcpfin and udp as they were");
    }
  }

  @Test
  void theConnectionListShowsEachConnectionWithItsStateAndExpiry() throws Exception {
    CountDownLatch sawEof = new CountDownLatch(1);
    try (TestBackend backend = TestBackend.start(V4, "list", s -> {
           InputStream in = s.getInputStream();
           if (in.read() == 'h') {
             in.readAllBytes();
             sawEof.countDown();
             Thread.sleep(TestDirector.WAIT_MS);
           } else {
             in.transferTo(s.getOutputStream());
           }
         });
         TestBackend other = TestBackend.named(V4, "B");
         TestDirector d = TestDirector.start(OPTIONS)) {
      int port = freePort(V4);
      int otherPort = freePort(V4);
      String service = "tcp/127.0.0.1:" + port;
      d.change(addService("127.0.0.1:" + port, "rr", server(backend.address())));
      d.change(addService("127.0.0.1:" + otherPort, "rr", server(other.address())));
      try (Socket open = connect(V4, port); Socket half = connect(V4, port); Socket elsewhere = connect(V4, otherPort)) {
        writeLine(open.getOutputStream(), "open");
        assertEquals("pen", readLine(open.getInputStream()));
        half.getOutputStream().write("half".getBytes(StandardCharsets.UTF_8));
        half.shutdownOutput();
        assertTrue(sawEof.await(TestDirector.WAIT_MS, TimeUnit.MILLISECONDS));
        assertEquals("B", readLine(elsewhere.getInputStream()));

        JsonObject all = list(d, new JsonObject());
        assertEquals(3, all.getLong("total"), all.encodePrettily());
        assertFalse(all.getBoolean("truncated"));

        JsonObject mine = list(d, new JsonObject().put("service", service));
        assertEquals(2, mine.getLong("total"), mine.encodePrettily());
        JsonArray rows = mine.getJsonArray("connections");
        JsonObject openRow = row(rows, open);
        JsonObject halfRow = row(rows, half);
        assertEquals("ESTABLISHED", openRow.getString("state"));
        assertEquals("FIN_WAIT", halfRow.getString("state"));
        assertEquals("127.0.0.1:" + port, openRow.getString("virtual"));
        assertEquals(backend.address(), openRow.getString("destination"));
        assertEquals("TCP", openRow.getString("protocol"));
        long expires = openRow.getLong("expires");
        assertTrue(expires > 895 && expires <= 900, "an established connection expires in ~tcp = 900 s, got " + expires);
        long finExpires = halfRow.getLong("expires");
        assertTrue(finExpires > 115 && finExpires <= 120, "a half-closed one in ~tcpfin = 120 s, got " + finExpires);

        JsonObject one = list(d, new JsonObject().put("limit", 1));
        assertEquals(1, one.getJsonArray("connections").size());
        assertEquals(3, one.getLong("total"));
        assertTrue(one.getBoolean("truncated"));
      }
      // Closed connections leave the list. The half-closed one stays: its client had sent FIN already, so its
      // close tells the director nothing, and the real server holds it; tcpfin (120 s) will end it, as in IPVS.
      long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(5);
      JsonObject left;
      do {
        left = list(d, new JsonObject());
      } while (left.getLong("total") > 1 && System.nanoTime() < deadline && sleep(20));
      assertEquals(1, left.getLong("total"), "closed connections are still listed: " + left.encodePrettily());
      assertEquals("FIN_WAIT", left.getJsonArray("connections").getJsonObject(0).getString("state"));
    }
  }

  private static boolean sleep(long ms) {
    TestDirector.sleep(ms);
    return true;
  }

  private static JsonObject list(TestDirector d, JsonObject request) {
    return await(d.vertx.eventBus().<JsonObject>request(Addresses.DATA_PLANE_CONNECTIONS, request)).body();
  }

  /** The row whose source is the client socket {@code s}. */
  private static JsonObject row(JsonArray rows, Socket s) {
    String source = "127.0.0.1:" + s.getLocalPort();
    for (Object o : rows) {
      if (((JsonObject) o).getString("source").equals(source)) {
        return (JsonObject) o;
      }
    }
    return fail("no row with source " + source + " in " + rows.encodePrettily());
  }
}
