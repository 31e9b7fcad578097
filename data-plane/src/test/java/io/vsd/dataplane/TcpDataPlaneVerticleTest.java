package io.vsd.dataplane;

import static io.vsd.dataplane.TestBackend.closedByPeer;
import static io.vsd.dataplane.TestBackend.connect;
import static io.vsd.dataplane.TestBackend.freePort;
import static io.vsd.dataplane.TestBackend.readLine;
import static io.vsd.dataplane.TestBackend.writeLine;
import static io.vsd.dataplane.TestDirector.addService;
import static io.vsd.dataplane.TestDirector.await;
import static io.vsd.dataplane.TestDirector.deleteService;
import static io.vsd.dataplane.TestDirector.editServer;
import static io.vsd.dataplane.TestDirector.server;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;

import io.netty.channel.Channel;
import io.netty.channel.ChannelException;
import io.netty.channel.ChannelFactory;
import io.vertx.core.Future;
import io.vertx.core.json.JsonObject;
import io.vsd.eventbus.RoutingApplied;
import io.vsd.services.model.ServiceKey;
import io.vsd.services.scheduler.Destination;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.ConnectException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.net.SocketTimeoutException;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.UnaryOperator;
import java.util.concurrent.atomic.AtomicReference;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * The TCP data plane end to end: real sockets on loopback, a director composed as in production (table,
 * scheduling, data plane), blocking clients and real servers on virtual threads. Tests marked with a
 * {@code preferNative} parameter run on epoll and on NIO.
 */
@Timeout(value = 30, unit = TimeUnit.SECONDS)
class TcpDataPlaneVerticleTest {
  private static final String V4 = "127.0.0.1";
  private static final String V6 = "::1";
  private static final DataPlaneOptions OPTIONS =
      new DataPlaneOptions(3, Duration.ofSeconds(1), Duration.ofSeconds(2), 128);

  @Test
  void roundRobinGoesABCABCAndStatusCountsTheOpenConnection() throws Exception {
    try (TestBackend a = TestBackend.named(V4, "A");
         TestBackend b = TestBackend.named(V4, "B");
         TestBackend c = TestBackend.named(V4, "C");
         TestDirector d = TestDirector.start(OPTIONS)) {
      int port = freePort(V4);
      String service = "tcp/127.0.0.1:" + port;
      RoutingApplied applied = d.change(addService("127.0.0.1:" + port, "rr",
          server(a.address()), server(b.address()), server(c.address())));
      assertEquals(java.util.Map.of(), applied.listenerErrors());

      List<String> names = new ArrayList<>();
      for (int i = 0; i < 6; i++) {
        try (Socket s = connect(V4, port)) {
          names.add(readLine(s.getInputStream()));
        }
      }
      assertEquals(List.of("A", "B", "C", "A", "B", "C"), names);
      // The director sees each client's close a moment after the client made it.
      for (TestBackend backend : List.of(a, b, c)) {
        d.awaitCounts(service, backend.address(), 0, 0);
      }

      // ActiveConn/InActConn: 1/0 while a connection is open, 0/0 once it has closed.
      try (Socket s = connect(V4, port)) {
        assertEquals("A", readLine(s.getInputStream()));
        d.awaitCounts(service, a.address(), 1, 0);
        JsonObject status = d.status().getJsonObject("services").getJsonObject(service);
        assertEquals("listening", status.getString("listener"));
        assertEquals(1, status.getInteger("activeConns"));
        assertEquals(0, status.getInteger("inactConns"));
      }
      for (TestBackend backend : List.of(a, b, c)) {
        d.awaitCounts(service, backend.address(), 0, 0);
      }
      JsonObject total = d.status().getJsonObject("services").getJsonObject(service);
      assertEquals(0, total.getInteger("activeConns"));
      assertEquals(0, total.getInteger("inactConns"));
    }
  }

  @Test
  void weightedRoundRobinWithWeights432() throws Exception {
    try (TestBackend a = TestBackend.named(V4, "A");
         TestBackend b = TestBackend.named(V4, "B");
         TestBackend c = TestBackend.named(V4, "C");
         TestDirector d = TestDirector.start(OPTIONS)) {
      int port = freePort(V4);
      d.change(addService("127.0.0.1:" + port, "wrr",
          server(a.address(), 4), server(b.address(), 3), server(c.address(), 2)));
      StringBuilder names = new StringBuilder();
      for (int i = 0; i < 9; i++) {
        try (Socket s = connect(V4, port)) {
          names.append(readLine(s.getInputStream()));
        }
      }
      assertEquals("AABABCABC", names.toString());
    }
  }

  @ParameterizedTest(name = "preferNative={0}")
  @ValueSource(booleans = {true, false})
  void largePayloadEchoesIntactBothWays(boolean preferNative) throws Exception {
    try (TestBackend echo = TestBackend.echo(V4);
         TestDirector d = TestDirector.start(OPTIONS, preferNative)) {
      int port = freePort(V4);
      String service = "tcp/127.0.0.1:" + port;
      d.change(addService("127.0.0.1:" + port, "rr", server(echo.address())));
      byte[] payload = new byte[8 << 20];
      new Random(42).nextBytes(payload);
      try (Socket s = connect(V4, port)) {
        AtomicReference<Throwable> writeError = new AtomicReference<>();
        Thread writer = Thread.ofVirtual().start(() -> {
          try {
            OutputStream out = s.getOutputStream();
            for (int off = 0; off < payload.length; off += 65536) {
              out.write(payload, off, Math.min(65536, payload.length - off));
            }
            s.shutdownOutput();
          } catch (Throwable e) {
            writeError.set(e);
          }
        });
        byte[] echoed = s.getInputStream().readAllBytes(); // until the echo server's FIN comes through
        writer.join(TestDirector.WAIT_MS);
        assertEquals(null, writeError.get());
        assertEquals(payload.length, echoed.length);
        assertArrayEquals(payload, echoed);
      }
      d.awaitCounts(service, echo.address(), 0, 0);
    }
  }

  @ParameterizedTest(name = "preferNative={0}")
  @ValueSource(booleans = {true, false})
  void halfCloseIsPassedOnAndTheReplyStillArrives(boolean preferNative) throws Exception {
    CountDownLatch sawEof = new CountDownLatch(1);
    CountDownLatch mayReply = new CountDownLatch(1);
    try (TestBackend backend = TestBackend.start(V4, "half", s -> {
           byte[] request = s.getInputStream().readAllBytes(); // returns at EOF: the client's FIN arrived
           sawEof.countDown();
           mayReply.await(TestDirector.WAIT_MS, TimeUnit.MILLISECONDS);
           s.getOutputStream().write(("got:" + new String(request, StandardCharsets.UTF_8) + "\n")
               .getBytes(StandardCharsets.UTF_8));
         });
         TestDirector d = TestDirector.start(OPTIONS, preferNative)) {
      int port = freePort(V4);
      String service = "tcp/127.0.0.1:" + port;
      d.change(addService("127.0.0.1:" + port, "rr", server(backend.address())));
      try (Socket s = connect(V4, port)) {
        s.getOutputStream().write("hello".getBytes(StandardCharsets.UTF_8));
        s.shutdownOutput();
        assertTrue(sawEof.await(TestDirector.WAIT_MS, TimeUnit.MILLISECONDS), "the real server never saw EOF");
        // One side has sent FIN: the connection counts as inactive.
        d.awaitCounts(service, backend.address(), 0, 1);
        mayReply.countDown();
        assertEquals("got:hello", readLine(s.getInputStream()));
        assertEquals(-1, s.getInputStream().read(), "the real server's close should reach the client");
      }
      d.awaitCounts(service, backend.address(), 0, 0);
    }
  }

  /** The other order: the real server sends FIN first, and the client still sends its request after it. */
  @ParameterizedTest(name = "preferNative={0}")
  @ValueSource(booleans = {true, false})
  void aRealServerFinFirstStillLetsTheClientSendToIt(boolean preferNative) throws Exception {
    CompletableFuture<String> received = new CompletableFuture<>();
    try (TestBackend backend = TestBackend.start(V4, "fin-first", s -> {
           s.getOutputStream().write("bye\n".getBytes(StandardCharsets.UTF_8));
           s.shutdownOutput();
           received.complete(new String(s.getInputStream().readAllBytes(), StandardCharsets.UTF_8));
         });
         TestDirector d = TestDirector.start(OPTIONS, preferNative)) {
      int port = freePort(V4);
      String service = "tcp/127.0.0.1:" + port;
      d.change(addService("127.0.0.1:" + port, "rr", server(backend.address())));
      try (Socket s = connect(V4, port)) {
        assertEquals("bye", readLine(s.getInputStream()));
        assertEquals(-1, s.getInputStream().read(), "the real server's FIN should reach the client");
        d.awaitCounts(service, backend.address(), 0, 1);
        s.getOutputStream().write("still here".getBytes(StandardCharsets.UTF_8));
        s.shutdownOutput();
        assertEquals("still here", received.get(TestDirector.WAIT_MS, TimeUnit.MILLISECONDS));
      }
      d.awaitCounts(service, backend.address(), 0, 0);
    }
  }

  /**
   * The end of a load run, as wrk ends one: clients leave in the middle of their exchange (closing before the
   * answer, closing after it, or sending FIN and closing at once), while the real server answers and closes, as an
   * HTTP server does with {@code Connection: close}. Every socket must be closed afterwards: a director that keeps
   * some holds their descriptors, and its event loops spin on their hang-ups.
   */
  @ParameterizedTest(name = "preferNative={0}")
  @ValueSource(booleans = {true, false})
  void clientsLeavingMidExchangeLeaveNoSocketOpen(boolean preferNative) throws Exception {
    try (TestBackend backend = TestBackend.start(V4, "answer-and-close", s -> {
           if (readLine(s.getInputStream()) != null) {
             writeLine(s.getOutputStream(), "answer");
           }
         });
         TestDirector d = TestDirector.start(OPTIONS, preferNative)) {
      int port = freePort(V4);
      String service = "tcp/127.0.0.1:" + port;
      d.change(addService("127.0.0.1:" + port, "rr", server(backend.address())));
      List<Thread> clients = new ArrayList<>();
      for (int t = 0; t < 4; t++) {
        int way = t % 3;
        clients.add(Thread.ofVirtual().start(() -> {
          for (int i = 0; i < 100; i++) {
            try (Socket s = connect(V4, port)) {
              writeLine(s.getOutputStream(), "request");
              if (way == 1) {
                readLine(s.getInputStream());
              } else if (way == 2) {
                s.shutdownOutput();
              }
            } catch (java.io.IOException e) {
              // a reset from a real server that answered a client already gone: part of what is tested
            }
          }
        }));
      }
      for (Thread c : clients) {
        assertTrue(c.join(Duration.ofMillis(TestDirector.WAIT_MS)), "a client thread did not finish");
      }
      d.awaitCounts(service, backend.address(), 0, 0); // a real server's connection counts until its socket closes
    }
  }

  @Test
  void weightZeroKeepsOpenConnectionsAndSendsNewOnesElsewhere() throws Exception {
    try (TestBackend a = TestBackend.named(V4, "A");
         TestBackend b = TestBackend.named(V4, "B");
         TestDirector d = TestDirector.start(OPTIONS)) {
      int port = freePort(V4);
      String service = "tcp/127.0.0.1:" + port;
      d.change(addService("127.0.0.1:" + port, "rr", server(a.address()), server(b.address())));
      try (Socket first = connect(V4, port)) {
        InputStream in = first.getInputStream();
        assertEquals("A", readLine(in));
        d.change(editServer(service, server(a.address(), 0)));

        writeLine(first.getOutputStream(), "still there");
        assertEquals("still there", readLine(in));
        for (int i = 0; i < 4; i++) {
          try (Socket s = connect(V4, port)) {
            assertEquals("B", readLine(s.getInputStream()), "connection " + i + " after weight 0");
          }
        }
        writeLine(first.getOutputStream(), "and still");
        assertEquals("and still", readLine(in));
        d.awaitCounts(service, a.address(), 1, 0);
      }
      d.awaitCounts(service, a.address(), 0, 0);
      d.awaitCounts(service, b.address(), 0, 0);
    }
  }

  @ParameterizedTest(name = "preferNative={0}")
  @ValueSource(booleans = {true, false})
  void aDeadRealServerIsNeverNoticedByClients(boolean preferNative) throws Exception {
    try (TestBackend a = TestBackend.named(V4, "A");
         TestBackend b = TestBackend.named(V4, "B");
         TestDirector d = TestDirector.start(OPTIONS, preferNative)) {
      String dead = "127.0.0.1:" + freePort(V4);
      String dead2 = "127.0.0.1:" + freePort(V4);
      int port = freePort(V4);
      String service = "tcp/127.0.0.1:" + port;
      d.change(addService("127.0.0.1:" + port, "rr", server(a.address()), server(dead), server(b.address())));
      StringBuilder names = new StringBuilder();
      int failures = 0;
      for (int i = 0; i < 12; i++) {
        try (Socket s = connect(V4, port)) {
          String name = readLine(s.getInputStream());
          if (name == null) {
            failures++;
          } else {
            names.append(name);
          }
        }
      }
      assertEquals(0, failures);
      // rr: A, then the dead one is tried, fails, and B is picked instead.
      assertEquals("ABABABABABAB", names.toString());
      d.awaitCounts(service, dead, 0, 0);
      d.awaitCounts(service, a.address(), 0, 0);
      d.awaitCounts(service, b.address(), 0, 0);

      // When every real server is dead, the client is closed, and the counts still return to 0.
      int allDeadPort = freePort(V4);
      String allDead = "tcp/127.0.0.1:" + allDeadPort;
      d.change(addService("127.0.0.1:" + allDeadPort, "rr", server(dead), server(dead2)));
      try (Socket s = connect(V4, allDeadPort)) {
        assertTrue(closedByPeer(s), "the client should be closed when no real server answers");
      }
      d.awaitCounts(allDead, dead, 0, 0);
      d.awaitCounts(allDead, dead2, 0, 0);
    }
  }

  @ParameterizedTest(name = "preferNative={0}")
  @ValueSource(booleans = {true, false})
  void aConnectTimeoutMovesOnToTheNextRealServer(boolean preferNative) throws Exception {
    DataPlaneOptions options = new DataPlaneOptions(3, Duration.ofMillis(400), Duration.ofSeconds(2), 128);
    List<Socket> fillers = new ArrayList<>();
    try (ServerSocket stalled = new ServerSocket();
         TestBackend a = TestBackend.named(V4, "A");
         TestDirector d = TestDirector.start(options, preferNative)) {
      // A listener that never accepts, with its accept queue full: Linux drops further SYNs, so connects hang.
      stalled.bind(new InetSocketAddress(InetAddress.getByName(V4), 0), 1);
      boolean full = false;
      for (int i = 0; i < 10 && !full; i++) {
        Socket s = new Socket();
        try {
          s.connect(stalled.getLocalSocketAddress(), 200);
          fillers.add(s);
        } catch (SocketTimeoutException e) {
          s.close();
          full = true;
        }
      }
      assertTrue(full, "could not fill the stalled listener's accept queue");
      String stalledAddress = "127.0.0.1:" + stalled.getLocalPort();
      int port = freePort(V4);
      String service = "tcp/127.0.0.1:" + port;
      d.change(addService("127.0.0.1:" + port, "rr", server(stalledAddress), server(a.address())));
      long start = System.nanoTime();
      try (Socket s = connect(V4, port)) {
        assertEquals("A", readLine(s.getInputStream()));
      }
      long ms = TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - start);
      assertTrue(ms >= 350, "the stalled server should have been given its connect timeout, took " + ms + " ms");

      // A client that sends its request and FIN at once, while the director is still connecting (epoll reads
      // them early, on EPOLLRDHUP): both are delivered once the real server is connected.
      try (Socket s = connect(V4, port)) {
        writeLine(s.getOutputStream(), "early");
        s.shutdownOutput();
        InputStream in = s.getInputStream();
        assertEquals("A", readLine(in));
        assertEquals("early", readLine(in));
        assertEquals(-1, in.read());
      }
      d.awaitCounts(service, stalledAddress, 0, 0);
      d.awaitCounts(service, a.address(), 0, 0);
    } finally {
      for (Socket s : fillers) {
        s.close();
      }
    }
  }

  @ParameterizedTest(name = "preferNative={0}")
  @ValueSource(booleans = {true, false})
  void aSlowReaderSlowsTheRealServerDownInsteadOfFillingMemory(boolean preferNative) throws Exception {
    long total = 128L << 20;
    long bound = 32L << 20;
    AtomicLong written = new AtomicLong();
    try (TestBackend streamer = TestBackend.start(V4, "stream", s -> {
           byte[] chunk = new byte[65536];
           OutputStream out = s.getOutputStream();
           while (written.get() < total) {
             out.write(chunk);
             written.addAndGet(chunk.length);
           }
           s.shutdownOutput();
           s.getInputStream().read();
         });
         TestDirector d = TestDirector.start(OPTIONS.withSplice(true), preferNative)) {
      int port = freePort(V4);
      d.change(addService("127.0.0.1:" + port, "rr", server(streamer.address())));
      try (Socket s = connect(V4, port)) {
        // Do not read; wait until the real server is stuck (its count stops growing), at most 3 s.
        long last = -1;
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(3);
        while (System.nanoTime() < deadline) {
          TestDirector.sleep(300);
          long now = written.get();
          if (now == last && now > 0) {
            break;
          }
          last = now;
        }
        long stuckAt = written.get();
        System.out.printf("slow reader (%s): the real server got %.1f MiB out before it blocked%n",
            preferNative ? "native, spliced" : "nio, copied", stuckAt / 1048576.0);
        assertTrue(stuckAt > 0, "nothing was forwarded");
        assertTrue(stuckAt < bound, "the director buffered instead of pushing back: the real server wrote "
            + stuckAt + " bytes to a client that reads nothing");
        // And it resumes: the client now reads everything.
        long read = 0;
        byte[] buf = new byte[1 << 16];
        InputStream in = s.getInputStream();
        for (int n; (n = in.read(buf)) >= 0; ) {
          read += n;
        }
        assertEquals(total, read);
      }
    }
  }

  @Test
  void whenNoSocketCanBeMadeTheClientIsClosedAndNothingIsLeftBehind() throws Exception {
    AtomicInteger made = new AtomicInteger();
    // The second real-server socket cannot be created, as when the process is out of file descriptors.
    UnaryOperator<ChannelFactory<? extends Channel>> failSecond = real -> () -> {
      if (made.incrementAndGet() == 2) {
        throw new ChannelException("simulated: too many open files");
      }
      return real.newChannel();
    };
    try (TestBackend a = TestBackend.named(V4, "A");
         TestDirector d = TestDirector.start(OPTIONS, failSecond)) {
      int port = freePort(V4);
      String service = "tcp/127.0.0.1:" + port;
      ServiceKey key = ServiceKey.parse(service);
      d.change(addService("127.0.0.1:" + port, "rr", server(a.address())));
      try (Socket s = connect(V4, port)) {
        assertEquals("A", readLine(s.getInputStream()));
      }
      try (Socket s = connect(V4, port)) {
        assertTrue(closedByPeer(s), "the client should be closed when no socket can be made");
      }
      try (Socket s = connect(V4, port)) {
        assertEquals("A", readLine(s.getInputStream()));
      }
      d.awaitCounts(service, a.address(), 0, 0);
      long start = System.nanoTime();
      await(d.stopDataPlane());
      long ms = TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - start);
      assertTrue(ms < 1000, "nothing should be left for the drain to wait for, took " + ms + " ms");
      assertCountsZero(d, key);
    }
  }

  @ParameterizedTest(name = "preferNative={0}")
  @ValueSource(booleans = {true, false})
  void ipv6ServiceToIpv4RealServerAndBack(boolean preferNative) throws Exception {
    try (TestBackend v4 = TestBackend.named(V4, "four");
         TestBackend v6 = TestBackend.named(V6, "six");
         TestDirector d = TestDirector.start(OPTIONS, preferNative)) {
      int port6 = freePort(V6);
      int port4 = freePort(V4);
      d.command(addService("[::1]:" + port6, "rr", server(v4.address())));
      RoutingApplied applied = d.change(addService("127.0.0.1:" + port4, "rr", server(v6.address())));
      assertEquals(java.util.Map.of(), applied.listenerErrors());
      assertTrue(v6.address().startsWith("[::1]:"), v6.address());
      try (Socket s = connect(V6, port6)) {
        assertEquals("four", readLine(s.getInputStream()));
        writeLine(s.getOutputStream(), "over v6");
        assertEquals("over v6", readLine(s.getInputStream()));
      }
      try (Socket s = connect(V4, port4)) {
        assertEquals("six", readLine(s.getInputStream()));
      }
      JsonObject services = d.status().getJsonObject("services");
      assertEquals("listening", services.getJsonObject("tcp/[::1]:" + port6).getString("listener"));
      d.awaitCounts("tcp/[::1]:" + port6, v4.address(), 0, 0);
      d.awaitCounts("tcp/127.0.0.1:" + port4, v6.address(), 0, 0);
    }
  }

  @ParameterizedTest(name = "preferNative={0}")
  @ValueSource(booleans = {true, false})
  void aListenerThatCannotBindIsReportedAndTheOthersWork(boolean preferNative) throws Exception {
    try (ServerSocket blocker = new ServerSocket();
         TestBackend a = TestBackend.named(V4, "A");
         TestDirector d = TestDirector.start(OPTIONS, preferNative)) {
      blocker.bind(new InetSocketAddress(InetAddress.getByName(V4), 0));
      int taken = blocker.getLocalPort();
      String takenKey = "tcp/127.0.0.1:" + taken;
      String foreignKey = "tcp/192.0.2.1:80"; // TEST-NET-1: not an address of this machine
      int port = freePort(V4);
      String okKey = "tcp/127.0.0.1:" + port;

      RoutingApplied applied = d.change(addService("127.0.0.1:" + taken, "rr", server(a.address())));
      // The operating system's words, the same on epoll and NIO.
      assertEquals("Address already in use", applied.listenerErrors().get(takenKey), applied.toString());
      applied = d.change(addService("192.0.2.1:80", "rr", server(a.address())));
      assertEquals("Cannot assign requested address", applied.listenerErrors().get(foreignKey), applied.toString());
      applied = d.change(addService("127.0.0.1:" + port, "rr", server(a.address())));
      assertEquals(java.util.Set.of(takenKey, foreignKey), applied.listenerErrors().keySet(), applied.toString());

      try (Socket s = connect(V4, port)) {
        assertEquals("A", readLine(s.getInputStream()));
      }
      JsonObject services = d.status().getJsonObject("services");
      assertEquals("listening", services.getJsonObject(okKey).getString("listener"));
      assertEquals("error: Address already in use", services.getJsonObject(takenKey).getString("listener"));
      assertEquals("error: Cannot assign requested address", services.getJsonObject(foreignKey).getString("listener"));

      // Once the port is free, the next routing change binds it.
      blocker.close();
      applied = d.change(deleteService(foreignKey));
      assertEquals(java.util.Map.of(), applied.listenerErrors());
      assertEquals("listening", d.status().getJsonObject("services").getJsonObject(takenKey).getString("listener"));
      try (Socket s = connect(V4, taken)) {
        assertEquals("A", readLine(s.getInputStream()));
      }
    }
  }

  @Test
  void aDeletedServiceStopsAcceptingButItsOpenConnectionsContinue() throws Exception {
    try (TestBackend a = TestBackend.named(V4, "A");
         TestDirector d = TestDirector.start(OPTIONS)) {
      int port = freePort(V4);
      String service = "tcp/127.0.0.1:" + port;
      d.change(addService("127.0.0.1:" + port, "rr", server(a.address())));
      try (Socket s = connect(V4, port)) {
        assertEquals("A", readLine(s.getInputStream()));
        d.change(deleteService(service));
        assertThrows(ConnectException.class, () -> connect(V4, port).close());
        writeLine(s.getOutputStream(), "after delete");
        assertEquals("after delete", readLine(s.getInputStream()));
      }
      assertFalse(d.status().getJsonObject("services").containsKey(service));
    }
  }

  @Test
  void stopWaitsForOpenConnectionsWhichKeepWorking() throws Exception {
    try (TestBackend a = TestBackend.named(V4, "A");
         TestDirector d = TestDirector.start(new DataPlaneOptions(3, Duration.ofSeconds(1), Duration.ofSeconds(20), 128))) {
      int port = freePort(V4);
      ServiceKey key = ServiceKey.parse("tcp/127.0.0.1:" + port);
      d.change(addService("127.0.0.1:" + port, "rr", server(a.address())));
      Future<Void> stop;
      try (Socket s = connect(V4, port)) {
        assertEquals("A", readLine(s.getInputStream()));
        stop = d.stopDataPlane();
        TestDirector.sleep(300);
        assertFalse(stop.isComplete(), "stop() should wait for the open connection");
        assertThrows(ConnectException.class, () -> connect(V4, port).close(), "the listener should be closed");
        writeLine(s.getOutputStream(), "draining");
        assertEquals("draining", readLine(s.getInputStream()));
        assertFalse(stop.isComplete());
      }
      long closedAt = System.nanoTime();
      await(stop);
      long ms = TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - closedAt);
      assertTrue(ms < 2000, "stop() should end soon after the last connection closed, took " + ms + " ms");
      assertCountsZero(d, key);
    }
  }

  @Test
  void stopClosesStuckConnectionsAfterTheDrainTimeout() throws Exception {
    try (TestBackend a = TestBackend.named(V4, "A");
         TestDirector d = TestDirector.start(new DataPlaneOptions(3, Duration.ofSeconds(1), Duration.ofMillis(500), 128))) {
      int port = freePort(V4);
      ServiceKey key = ServiceKey.parse("tcp/127.0.0.1:" + port);
      d.change(addService("127.0.0.1:" + port, "rr", server(a.address())));
      try (Socket s = connect(V4, port)) {
        assertEquals("A", readLine(s.getInputStream()));
        long start = System.nanoTime();
        await(d.stopDataPlane());
        long ms = TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - start);
        assertTrue(ms >= 450 && ms < 3000, "stop() should take about the drain timeout (500 ms), took " + ms + " ms");
        assertTrue(closedByPeer(s), "the stuck connection should have been closed");
      }
      assertCountsZero(d, key);
    }
  }

  @Test
  void statusTimesEveryPickRetriesIncludedUnderTheSchedulerThatMadeIt() throws Exception {
    int dead = freePort(V4);
    try (TestBackend a = TestBackend.named(V4, "A");
         TestDirector d = TestDirector.start(OPTIONS)) {
      int port = freePort(V4);
      String service = "tcp/127.0.0.1:" + port;
      // rr tries the dead server first: one connection, two picks.
      d.change(addService("127.0.0.1:" + port, "rr", server("127.0.0.1:" + dead), server(a.address())));
      JsonObject picks = d.status().getJsonObject("services").getJsonObject(service).getJsonObject("picks");
      assertEquals("rr", picks.getString("scheduler"));
      assertEquals(0L, picks.getLong("count"));
      try (Socket s = connect(V4, port)) {
        assertEquals("A", readLine(s.getInputStream()));
      }
      picks = d.status().getJsonObject("services").getJsonObject(service).getJsonObject("picks");
      assertEquals(2L, picks.getLong("count"), picks.encode());
      assertTrue(picks.getLong("sumNanos") > 0, picks.encode());
      long inBuckets = 0;
      for (Object n : picks.getJsonArray("buckets")) {
        inBuckets += ((Number) n).longValue();
      }
      assertEquals(2L, inBuckets);

      // Another scheduler: a new series, which counts from 0.
      d.change(new JsonObject().put("action", io.vsd.eventbus.TableCommands.EDIT_SERVICE).put("service", service)
          .put("body", new JsonObject().put("address", "127.0.0.1:" + port).put("scheduler", "wlc")));
      picks = d.status().getJsonObject("services").getJsonObject(service).getJsonObject("picks");
      assertEquals("wlc", picks.getString("scheduler"));
      assertEquals(0L, picks.getLong("count"));
      for (int i = 0; i < 3; i++) {
        try (Socket s = connect(V4, port)) {
          assertEquals("A", readLine(s.getInputStream()));
        }
      }
      picks = d.status().getJsonObject("services").getJsonObject(service).getJsonObject("picks");
      assertTrue(picks.getLong("count") >= 3, picks.encode()); // the dead server may still cost a retry
    }
  }

  @Test
  void statusNamesTheTransport() throws Exception {
    try (TestDirector d = TestDirector.start(OPTIONS)) {
      String expected = d.vertx.isNativeTransportEnabled() ? "epoll" : "nio";
      assertEquals(expected, d.status().getString("transport"));
      if ("Linux".equals(System.getProperty("os.name")) && "amd64".equals(System.getProperty("os.arch"))) {
        assertTrue(d.vertx.isNativeTransportEnabled(), "epoll should load here: " + d.vertx.unavailableNativeTransportCause());
      }
    }
    try (TestDirector d = TestDirector.start(OPTIONS, false)) {
      assertEquals("nio", d.status().getString("transport"));
    }
  }

  /** After the data plane is gone, the counts are read from the routing table directly. */
  private static void assertCountsZero(TestDirector d, ServiceKey key) {
    long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(5);
    while (true) {
      boolean zero = true;
      StringBuilder counts = new StringBuilder();
      for (Destination dest : d.routing.current().route(key).destinations()) {
        zero &= dest.counts().active() == 0 && dest.counts().inactive() == 0;
        counts.append(dest).append(' ').append(dest.counts().active()).append('/').append(dest.counts().inactive());
      }
      if (zero) {
        return;
      }
      if (System.nanoTime() > deadline) {
        fail("counts did not return to 0/0: " + counts);
      }
      TestDirector.sleep(10);
    }
  }
}
