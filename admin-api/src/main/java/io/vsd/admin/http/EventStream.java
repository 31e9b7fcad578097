package io.vsd.admin.http;

import io.vertx.core.Vertx;
import io.vertx.core.eventbus.MessageConsumer;
import io.vertx.core.http.HttpServerResponse;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.web.RoutingContext;
import io.vsd.eventbus.Addresses;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;

/**
 * Server-Sent Events at {@code GET /api/v1/events?topics=config,health,stats,directors} (docs/monitoring.md):
 * each message published on a status address is written as {@code event: <topic>} and {@code data: <json>}.
 *
 * <p>A client that does not read fast enough is never allowed to grow the director's memory: while the
 * response's write queue is full (over {@link #WRITE_QUEUE_BYTES}), events are dropped and counted, and the
 * next event that fits is preceded by a {@code dropped} event with the count, so the client knows to re-read
 * the state with GET. A client that stays stuck for {@link #STUCK_CLOSE_MS} is disconnected. Every consumer
 * and timer of a stream is released when its connection closes.
 */
final class EventStream {
  /** The topics, in the order a default subscription lists them, and the address of each. */
  static final Map<String, String> TOPICS = new LinkedHashMap<>();

  static {
    TOPICS.put("config", Addresses.CONFIG);
    TOPICS.put("health", Addresses.HEALTH);
    TOPICS.put("stats", Addresses.STATS);
    TOPICS.put("directors", Addresses.DIRECTORS);
  }

  /** What a slow client may have waiting in the director before events to it are dropped. */
  static final int WRITE_QUEUE_BYTES = 256 * 1024;
  /** A client whose queue stays full this long is disconnected. */
  static final long STUCK_CLOSE_MS = 30_000;

  private final Vertx vertx;
  private final long keepAliveMs;
  /** Open streams, and events dropped for slow clients since start (read by /metrics). */
  final AtomicInteger clients = new AtomicInteger();
  final AtomicLong dropped = new AtomicLong();
  final AtomicLong sent = new AtomicLong();

  EventStream(Vertx vertx, long keepAliveMs) {
    this.vertx = vertx;
    this.keepAliveMs = keepAliveMs;
  }

  /** The topics a query asks for: all when there is no {@code topics} parameter; null for an unknown topic. */
  static List<String> topics(List<String> params, List<String> unknown) {
    List<String> chosen = new ArrayList<>();
    for (String param : params) {
      for (String t : param.split(",")) {
        String topic = t.trim().toLowerCase();
        if (topic.isEmpty()) {
          continue;
        }
        if (!TOPICS.containsKey(topic)) {
          unknown.add(topic);
        } else if (!chosen.contains(topic)) {
          chosen.add(topic);
        }
      }
    }
    return chosen.isEmpty() && unknown.isEmpty() ? new ArrayList<>(TOPICS.keySet()) : chosen;
  }

  void handle(RoutingContext ctx) {
    List<String> unknown = new ArrayList<>();
    List<String> topics = topics(ctx.queryParam("topics"), unknown);
    if (!unknown.isEmpty()) {
      ProblemResponse.send(ctx, 400, "unknown-topic", "Unknown topic", "unknown topic " + String.join(", ", unknown)
          + "; the topics are " + String.join(", ", TOPICS.keySet()));
      return;
    }
    new Stream(ctx.response(), topics).open();
  }

  /** One client's stream. Everything runs on the admin verticle's event loop. */
  private final class Stream {
    private final HttpServerResponse response;
    private final List<String> topics;
    private final List<MessageConsumer<Object>> consumers = new ArrayList<>();
    private long keepAlive = -1;
    private long droppedHere;
    private long fullSince = -1;
    private boolean closed;

    Stream(HttpServerResponse response, List<String> topics) {
      this.response = response;
      this.topics = topics;
    }

    void open() {
      response.setStatusCode(200)
          .setChunked(true)
          .putHeader("Content-Type", "text/event-stream; charset=utf-8")
          .putHeader("Cache-Control", "no-cache")
          .putHeader("X-Accel-Buffering", "no")
          .setWriteQueueMaxSize(WRITE_QUEUE_BYTES);
      response.closeHandler(v -> close());
      response.exceptionHandler(e -> close());
      clients.incrementAndGet();
      for (String topic : topics) {
        String address = TOPICS.get(topic);
        // A director re-publishes the cluster's config changes on itself only (docs/event-bus.md): a local
        // consumer sees each change once. The other topics are published cluster-wide by their sources.
        MessageConsumer<Object> c = topic.equals("config")
            ? vertx.eventBus().localConsumer(address, m -> event(topic, m.body()))
            : vertx.eventBus().consumer(address, m -> event(topic, m.body()));
        consumers.add(c);
      }
      // The first bytes go out at once, so that a client (and any proxy) sees the stream open.
      response.write(": vsd status stream; topics " + String.join(",", topics) + "\nretry: 2000\n\n");
      keepAlive = vertx.setPeriodic(keepAliveMs, id -> {
        if (!response.writeQueueFull()) {
          response.write(": keep-alive\n\n");
        }
        stuckCheck();
      });
    }

    private void event(String topic, Object body) {
      if (closed) {
        return;
      }
      if (response.writeQueueFull()) {
        droppedHere++;
        dropped.incrementAndGet();
        stuckCheck();
        return;
      }
      fullSince = -1;
      StringBuilder out = new StringBuilder();
      if (droppedHere > 0) {
        out.append("event: dropped\ndata: ").append(new JsonObject().put("dropped", droppedHere).encode()).append("\n\n");
        droppedHere = 0;
      }
      out.append("event: ").append(topic).append('\n');
      // JSON encoded compactly has no newline, so it is one data line.
      out.append("data: ").append(encode(body)).append("\n\n");
      response.write(out.toString());
      sent.incrementAndGet();
    }

    private void stuckCheck() {
      if (!response.writeQueueFull()) {
        fullSince = -1;
        return;
      }
      long now = System.currentTimeMillis();
      if (fullSince < 0) {
        fullSince = now;
      } else if (now - fullSince >= STUCK_CLOSE_MS) {
        response.reset();
        close();
      }
    }

    private void close() {
      if (closed) {
        return;
      }
      closed = true;
      clients.decrementAndGet();
      vertx.cancelTimer(keepAlive);
      consumers.forEach(MessageConsumer::unregister);
      consumers.clear();
    }
  }

  static String encode(Object body) {
    if (body instanceof JsonObject o) {
      return o.encode();
    }
    if (body instanceof JsonArray a) {
      return a.encode();
    }
    return body instanceof String s ? new JsonObject().put("value", s).encode() : String.valueOf(body);
  }
}
