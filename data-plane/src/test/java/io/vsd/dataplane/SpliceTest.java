package io.vsd.dataplane;

import static io.vsd.dataplane.TestBackend.connect;
import static io.vsd.dataplane.TestBackend.freePort;
import static io.vsd.dataplane.TestDirector.addService;
import static io.vsd.dataplane.TestDirector.server;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.vertx.core.json.JsonObject;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.Socket;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;
import java.util.SplittableRandom;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.atomic.AtomicReference;
import java.util.stream.Stream;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * Speed in the TCP data plane, checked for what a user would notice: bulk transfers arrive byte for byte with
 * splice on and off, half-close included; a thousand connections at once are each forwarded intact and counted.
 * Real sockets on loopback, epoll (splice is epoll only).
 */
@Timeout(value = 60, unit = TimeUnit.SECONDS)
class SpliceTest {
  private static final String V4 = "127.0.0.1";
  private static final long BULK = 100L << 20;
  private static final int CHUNK = 64 * 1024;

  private static DataPlaneOptions options(boolean splice) {
    return new DataPlaneOptions(3, Duration.ofSeconds(2), Duration.ofSeconds(2), 1024, splice);
  }

  /**
   * The client sends 100 MiB and shuts its output; the real server streams its own 100 MiB at the same time and
   * shuts its output after it has seen the client's EOF. Both sides compare SHA-256 digests of what was sent and
   * what arrived, and the director's counters hold both totals.
   */
  @ParameterizedTest(name = "splice={0}")
  @ValueSource(booleans = {true, false})
  void hundredMebibytesEachWayWithHalfCloseArriveIntact(boolean splice) throws Exception {
    AtomicReference<String> serverGot = new AtomicReference<>();
    AtomicReference<String> serverSent = new AtomicReference<>();
    AtomicReference<Throwable> serverError = new AtomicReference<>();
    CountDownLatch serverDone = new CountDownLatch(1);
    try (TestBackend backend = TestBackend.start(V4, "bulk", s -> {
           try {
             Thread writer = Thread.ofVirtual().start(() -> {
               try {
                 serverSent.set(send(s.getOutputStream(), 2, BULK));
               } catch (Throwable e) {
                 serverError.set(e);
               }
             });
             serverGot.set(receive(s.getInputStream(), BULK));
             writer.join(TestDirector.WAIT_MS * 3);
             s.shutdownOutput(); // after the client's EOF and our own 100 MiB
             s.getInputStream().read(); // until the director closes
           } catch (Throwable e) {
             serverError.compareAndSet(null, e);
           } finally {
             serverDone.countDown();
           }
         });
         TestDirector d = TestDirector.start(options(splice))) {
      int port = freePort(V4);
      String service = "tcp/127.0.0.1:" + port;
      d.change(addService("127.0.0.1:" + port, "rr", server(backend.address())));
      long pipesBefore = pipes();
      long start = System.nanoTime();
      try (Socket s = connect(V4, port)) {
        AtomicReference<String> clientSent = new AtomicReference<>();
        AtomicReference<Throwable> clientError = new AtomicReference<>();
        Thread writer = Thread.ofVirtual().start(() -> {
          try {
            clientSent.set(send(s.getOutputStream(), 1, BULK));
            s.shutdownOutput();
          } catch (Throwable e) {
            clientError.set(e);
          }
        });
        AtomicLong pipesDuring = new AtomicLong(-1);
        String clientGot = receive(s.getInputStream(), BULK, () -> pipesDuring.set(pipes()));
        assertEquals(-1, s.getInputStream().read(), "the real server's FIN should reach the client");
        writer.join(TestDirector.WAIT_MS);
        assertNull(clientError.get(), () -> "client write failed: " + clientError.get());
        assertTrue(serverDone.await(TestDirector.WAIT_MS, TimeUnit.MILLISECONDS), "the real server never finished");
        assertNull(serverError.get(), () -> "real server failed: " + serverError.get());
        assertEquals(clientSent.get(), serverGot.get(), "client to real server: digests differ");
        assertEquals(serverSent.get(), clientGot, "real server to client: digests differ");
        System.out.printf("bulk (splice=%s): 2 x 100 MiB with half-close in %d ms; pipes in this JVM %d -> %d%n",
            splice, TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - start), pipesBefore, pipesDuring.get());
        if (splice) {
          // Two pipes (four descriptors) per spliced connection: the bytes did go through the kernel.
          assertTrue(pipesDuring.get() >= pipesBefore + 4, "splice on, but no pipe was open during the transfer");
        } else {
          assertEquals(pipesBefore, pipesDuring.get(), "splice off, yet a pipe was opened");
        }
      }
      JsonObject stats = awaitStats(d, service, BULK, BULK);
      assertEquals(1, stats.getLong("conns"));
      d.awaitCounts(service, backend.address(), 0, 0);
    }
  }

  /**
   * A thousand clients connect at once, then each sends its own payload (sizes from 1 byte to 128 KiB, so that some
   * connections stay on the copying path and some switch to splice), shuts its output and reads the echo back.
   * Every echo must match, and the director's byte counters must hold the exact totals.
   */
  @ParameterizedTest(name = "splice={0}")
  @ValueSource(booleans = {true, false})
  void aThousandConcurrentConnectionsAreEachForwardedAndCounted(boolean splice) throws Exception {
    int clients = 1000;
    // An echo server that waits longer than TestBackend's 10 s: all 1000 connect before the first byte moves.
    try (TestBackend echo = TestBackend.start(V4, "echo", s -> {
           s.setSoTimeout(50_000);
           s.getInputStream().transferTo(s.getOutputStream());
           s.shutdownOutput();
           s.getInputStream().read();
         });
         TestDirector d = TestDirector.start(options(splice))) {
      int port = freePort(V4);
      String service = "tcp/127.0.0.1:" + port;
      d.change(addService("127.0.0.1:" + port, "rr", server(echo.address())));
      List<Socket> sockets = new ArrayList<>();
      long total = 0;
      int[] sizes = new int[clients];
      SplittableRandom random = new SplittableRandom(7);
      for (int i = 0; i < clients; i++) {
        sizes[i] = i % 10 == 0 ? 1 : 1 + random.nextInt(128 * 1024);
        total += sizes[i];
      }
      long start = System.nanoTime();
      try {
        for (int i = 0; i < clients; i++) {
          Socket s = connect(V4, port);
          s.setSoTimeout(50_000);
          sockets.add(s);
        }
        // All 1000 are open through the director before any byte moves.
        d.awaitCounts(service, echo.address(), clients, 0);
        CountDownLatch done = new CountDownLatch(clients);
        List<String> failures = java.util.Collections.synchronizedList(new ArrayList<>());
        for (int i = 0; i < clients; i++) {
          Socket s = sockets.get(i);
          byte[] payload = new byte[sizes[i]];
          new SplittableRandom(i).nextBytes(payload);
          int n = i;
          Thread.ofVirtual().start(() -> {
            try {
              Thread w = Thread.ofVirtual().start(() -> {
                try {
                  s.getOutputStream().write(payload);
                  s.shutdownOutput();
                } catch (IOException e) {
                  failures.add("client " + n + " write: " + e);
                }
              });
              byte[] back = s.getInputStream().readAllBytes();
              w.join(TestDirector.WAIT_MS);
              if (!java.util.Arrays.equals(payload, back)) {
                failures.add("client " + n + ": sent " + payload.length + " bytes, got " + back.length + " back, "
                    + (back.length == payload.length ? "different" : "not the same length"));
              }
            } catch (Exception e) {
              failures.add("client " + n + ": " + e);
            } finally {
              done.countDown();
            }
          });
        }
        assertTrue(done.await(40, TimeUnit.SECONDS), "not every client finished: " + done.getCount() + " left");
        assertEquals(List.of(), failures.size() > 10 ? failures.subList(0, 10) : failures);
      } finally {
        for (Socket s : sockets) {
          s.close();
        }
      }
      System.out.printf("1000 connections (splice=%s): %.1f MiB each way in %d ms%n", splice, total / 1048576.0,
          TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - start));
      JsonObject stats = awaitStats(d, service, total, total);
      assertEquals(clients, stats.getLong("conns"));
      JsonObject server = d.status().getJsonObject("services").getJsonObject(service).getJsonObject("servers")
          .getJsonObject(echo.address()).getJsonObject("stats");
      assertEquals(total, server.getLong("inBytes"));
      assertEquals(total, server.getLong("outBytes"));
      d.awaitCounts(service, echo.address(), 0, 0);
    }
  }

  /**
   * With a 1 s idle timeout (ipvsadm --set), a connection whose bytes are spliced, so that no read passes through
   * the pipeline, is still busy: it moves 64 KiB every 300 ms for 2.4 s and must stay open.
   */
  @org.junit.jupiter.api.Test
  void aSplicedConnectionThatMovesBytesIsNotIdle() throws Exception {
    try (TestBackend echo = TestBackend.echo(V4);
         TestDirector d = TestDirector.start(options(true))) {
      int port = freePort(V4);
      d.change(addService("127.0.0.1:" + port, "rr", server(echo.address())));
      d.change(new JsonObject().put("action", io.vsd.eventbus.TableCommands.SET_TIMEOUTS)
          .put("body", new JsonObject().put("tcp", 1).put("tcpfin", 120).put("udp", 300)));
      long pipesBefore = pipes();
      try (Socket s = connect(V4, port)) {
        byte[] chunk = new byte[CHUNK];
        for (int i = 0; i < 10; i++) {
          new SplittableRandom(i).nextBytes(chunk);
          s.getOutputStream().write(chunk);
          assertArrayEquals(chunk, s.getInputStream().readNBytes(CHUNK), "echo " + i);
          if (i == 1) {
            assertTrue(pipes() >= pipesBefore + 4, "the connection should splice after 128 KiB");
          }
          Thread.sleep(300);
        }
      }
    }
  }

  // ---- helpers ----

  /** Writes {@code length} pseudo-random bytes from {@code seed} and returns their SHA-256. */
  private static String send(OutputStream out, long seed, long length) throws Exception {
    MessageDigest sha = MessageDigest.getInstance("SHA-256");
    SplittableRandom random = new SplittableRandom(seed);
    byte[] chunk = new byte[CHUNK];
    for (long sent = 0; sent < length; sent += CHUNK) {
      random.nextBytes(chunk);
      int n = (int) Math.min(CHUNK, length - sent);
      sha.update(chunk, 0, n);
      out.write(chunk, 0, n);
    }
    out.flush();
    return HexFormat.of().formatHex(sha.digest());
  }

  private static String receive(InputStream in, long expected) throws Exception {
    return receive(in, expected, () -> {});
  }

  /** Reads to EOF and returns the SHA-256 of what came; {@code halfway} runs once half of {@code expected} is in. */
  private static String receive(InputStream in, long expected, Runnable halfway) throws Exception {
    MessageDigest sha = MessageDigest.getInstance("SHA-256");
    byte[] buf = new byte[CHUNK];
    long got = 0;
    boolean ran = false;
    for (int n; (n = in.read(buf)) >= 0; ) {
      sha.update(buf, 0, n);
      got += n;
      if (!ran && got >= expected / 2) {
        ran = true;
        halfway.run();
      }
    }
    assertEquals(expected, got, "bytes received");
    return HexFormat.of().formatHex(sha.digest());
  }

  /** The pipes this JVM holds open (splice makes two per connection). */
  private static long pipes() {
    long n = 0;
    try (Stream<Path> fds = Files.list(Path.of("/proc/self/fd"))) {
      for (Path fd : (Iterable<Path>) fds::iterator) {
        try {
          if (Files.readSymbolicLink(fd).toString().startsWith("pipe:")) {
            n++;
          }
        } catch (IOException e) {
          // closed while listed
        }
      }
    } catch (IOException e) {
      throw new java.io.UncheckedIOException(e);
    }
    return n;
  }

  /** Waits until the service's byte counters reach the totals (they are added on the event loops). */
  private static JsonObject awaitStats(TestDirector d, String service, long in, long out) {
    long deadline = System.nanoTime() + TimeUnit.MILLISECONDS.toNanos(TestDirector.WAIT_MS);
    JsonObject stats;
    do {
      stats = d.status().getJsonObject("services").getJsonObject(service).getJsonObject("stats");
      if (stats.getLong("inBytes") == in && stats.getLong("outBytes") == out) {
        return stats;
      }
      TestDirector.sleep(20);
    } while (System.nanoTime() < deadline);
    assertEquals(in, stats.getLong("inBytes"), "inBytes");
    assertEquals(out, stats.getLong("outBytes"), "outBytes");
    return stats;
  }
}
