package io.vsd.admin.http;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.vertx.core.Vertx;
import io.vertx.core.json.JsonObject;
import io.vsd.eventbus.Addresses;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.Socket;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/** The SSE stream's bound on a client that does not read, and its clean-up when the client goes away. */
@Timeout(value = 60, unit = TimeUnit.SECONDS)
class EventStreamTest {
  Vertx vertx;
  static final String TOKEN = "event-stream-test-token";
  AdminApiVerticle api;
  final HttpClient http = HttpClient.newHttpClient();

  @BeforeEach
  void start() throws Exception {
    vertx = Vertx.vertx();
    api = new AdminApiVerticle("127.0.0.1", 0, new JsonObject().put("directorId", "sse-test"),
        AdminTokens.of(java.util.List.of(new AdminTokens.Token(TOKEN, Role.ADMIN))));
    vertx.deployVerticle(api).await(10, TimeUnit.SECONDS);
  }

  @AfterEach
  void stop() throws Exception {
    vertx.close().await(10, TimeUnit.SECONDS);
  }

  double metric(String name) throws Exception {
    String body = http.send(HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + api.actualPort() + "/metrics"))
        .header("Authorization", "Bearer " + TOKEN).timeout(java.time.Duration.ofSeconds(5)).build(), HttpResponse.BodyHandlers.ofString()).body();
    Matcher m = Pattern.compile("(?m)^" + name + " (\\S+)$").matcher(body);
    assertTrue(m.find(), name + " in " + body);
    return Double.parseDouble(m.group(1));
  }

  @Test
  void aClientThatDoesNotReadHasEventsDroppedAndItsConsumersGoWhenItLeaves() throws Exception {
    Socket socket = new Socket(InetAddress.getLoopbackAddress(), api.actualPort());
    socket.setReceiveBufferSize(4096);
    OutputStream out = socket.getOutputStream();
    out.write(("GET /api/v1/events?topics=stats HTTP/1.1\r\nHost: x\r\nAuthorization: Bearer " + TOKEN + "\r\n\r\n")
        .getBytes(StandardCharsets.US_ASCII));
    out.flush();
    InputStream in = socket.getInputStream();
    byte[] head = new byte[64];
    assertTrue(in.read(head) > 0);
    assertTrue(new String(head, StandardCharsets.US_ASCII).startsWith("HTTP/1.1 200"));
    long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(10);
    while (metric("vsd_sse_clients") != 1.0) {
      assertTrue(System.nanoTime() < deadline, "the stream is counted");
      Thread.sleep(50);
    }

    // 64 MB of events to a client that reads nothing: far more than socket buffers and the 256 KiB queue hold.
    JsonObject big = new JsonObject().put("director", "x").put("pad", "p".repeat(64 * 1024));
    for (int i = 0; i < 1024; i++) {
      vertx.eventBus().publish(Addresses.STATS, big);
      if (i % 64 == 0) {
        Thread.sleep(20);
      }
    }
    deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(10);
    while (metric("vsd_sse_dropped_events_total") == 0) {
      assertTrue(System.nanoTime() < deadline, "events dropped for the slow client");
      Thread.sleep(50);
    }
    assertTrue(metric("vsd_sse_events_total") < 1024, "not everything was queued");

    socket.close();
    deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(10);
    while (metric("vsd_sse_clients") != 0.0) {
      assertTrue(System.nanoTime() < deadline, "the stream is released when the client goes away");
      Thread.sleep(50);
    }
    // Its consumer is gone: a request to vsd.stats finds no handler.
    assertEquals(0.0, metric("vsd_sse_clients"));
    try {
      vertx.eventBus().request(Addresses.STATS, new JsonObject()).await(5, TimeUnit.SECONDS);
      throw new AssertionError("a consumer is still registered on vsd.stats");
    } catch (io.vertx.core.eventbus.ReplyException e) {
      assertEquals(io.vertx.core.eventbus.ReplyFailure.NO_HANDLERS, e.failureType());
    }
  }
}
