package io.vsd.director;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import io.vertx.core.Vertx;
import io.vertx.core.http.WebSocket;
import io.vertx.core.http.WebSocketClient;
import io.vertx.core.http.WebSocketConnectOptions;
import io.vertx.core.json.JsonObject;
import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import java.util.function.Predicate;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/**
 * Monitoring end to end (docs/monitoring.md): the SSE stream, the SockJS bridge over a raw WebSocket, curl as a
 * real SSE peer, and a Prometheus scrape parsed and checked, against a director whose real server goes down.
 */
@Timeout(value = 60, unit = TimeUnit.SECONDS)
class MonitoringEndToEndTest {
  static final String SERVICE = "tcp/127.0.0.1:%d";

  @TempDir
  Path tmp;
  RunningDirector running;
  ServerSocket backendA;
  ServerSocket backendB;
  int vport;
  Vertx client;
  final HttpClient http = HttpClient.newHttpClient();

  @BeforeEach
  void start() throws Exception {
    InetAddress lo = InetAddress.getLoopbackAddress();
    backendA = new ServerSocket(0, 50, lo);
    backendB = new ServerSocket(0, 50, lo);
    vport = RunningDirector.freePort();
    running = RunningDirector.start(tmp, """
        services:
          - address: 127.0.0.1:%d
            scheduler: wrr
            check: {type: tcp, interval: 200ms, fall: 2, rise: 2, timeout: 150ms}
            servers:
              - {address: 127.0.0.1:%d, weight: 3}
              - {address: 127.0.0.1:%d, weight: 1}
        """.formatted(vport, backendA.getLocalPort(), backendB.getLocalPort()));
  }

  @AfterEach
  void stop() throws Exception {
    if (client != null) {
      client.close().await(5, TimeUnit.SECONDS);
    }
    if (running != null) {
      running.close();
    }
    backendA.close();
    backendB.close();
  }

  String service() {
    return SERVICE.formatted(vport);
  }

  String base() {
    return "http://127.0.0.1:" + running.director.adminPort();
  }

  /** An SSE client: each event's topic and data, as it arrives. */
  record Event(String topic, JsonObject data) {}

  BlockingQueue<Event> subscribe(String query) {
    BlockingQueue<Event> events = new LinkedBlockingQueue<>();
    HttpRequest request = HttpRequest.newBuilder(URI.create(base() + "/api/v1/events" + query))
        .header("Authorization", TestTokens.bearer()).build();
    http.sendAsync(request, HttpResponse.BodyHandlers.ofLines()).thenAccept(r -> {
      assertEquals(200, r.statusCode());
      assertTrue(r.headers().firstValue("Content-Type").orElse("").startsWith("text/event-stream"));
      parse(r.body(), events);
    });
    return events;
  }

  static void parse(Stream<String> lines, BlockingQueue<Event> into) {
    String[] topic = {null};
    lines.forEach(line -> {
      if (line.startsWith("event: ")) {
        topic[0] = line.substring(7);
      } else if (line.startsWith("data: ")) {
        into.add(new Event(topic[0], new JsonObject(line.substring(6))));
      }
    });
  }

  static Event await(BlockingQueue<Event> events, Predicate<Event> wanted, List<Event> seen) throws InterruptedException {
    long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(15);
    while (System.nanoTime() < deadline) {
      Event e = events.poll(100, TimeUnit.MILLISECONDS);
      if (e != null) {
        seen.add(e);
        if (wanted.test(e)) {
          return e;
        }
      }
    }
    throw new AssertionError("no such event; seen " + seen);
  }

  static Predicate<Event> downEvent(int port) {
    return e -> e.topic().equals("health") && "down".equals(e.data().getString("newState"))
        && ("127.0.0.1:" + port).equals(e.data().getString("server"));
  }

  @Test
  void sseDeliversHealthAndConfigEventsFilteredByTopic() throws Exception {
    BlockingQueue<Event> healthOnly = subscribe("?topics=health");
    BlockingQueue<Event> all = subscribe("");
    // A stats event shows the default stream is open (they come every second).
    List<Event> seenAll = new ArrayList<>();
    await(all, e -> e.topic().equals("stats"), seenAll);
    Thread.sleep(300);

    int port = backendB.getLocalPort();
    backendB.close();
    List<Event> seen = new ArrayList<>();
    Event down = await(healthOnly, downEvent(port), seen);
    assertEquals(service(), down.data().getString("service"));
    await(all, downEvent(port), seenAll);

    assertEquals(200, running.admin.put("/api/v1/services/" + service() + "/servers/127.0.0.1:" + backendA.getLocalPort(),
        "{\"address\": \"127.0.0.1:" + backendA.getLocalPort() + "\", \"weight\": 7}").status());
    Event config = await(all, e -> e.topic().equals("config"), seenAll);
    assertEquals("servers-changed", config.data().getString("kind"));
    Thread.sleep(1500);
    healthOnly.drainTo(seen);
    assertTrue(seen.stream().allMatch(e -> e.topic().equals("health")), "only health events: " + seen);
  }

  @Test
  void unknownTopicIsRefused() throws Exception {
    AdminClient.Response r = running.admin.get("/api/v1/events?topics=health,nope");
    assertEquals(400, r.status());
    assertTrue(r.body().contains("nope"), r.body());
  }

  @Test
  void curlIsARealSsePeer() throws Exception {
    assumeTrue(Stream.of(System.getenv("PATH").split(":")).anyMatch(d -> Path.of(d, "curl").toFile().canExecute()),
        "curl is not installed");
    Process curl = new ProcessBuilder("curl", "-sN", "--max-time", "20", "-H", "Authorization: " + TestTokens.bearer(),
        base() + "/api/v1/events?topics=config")
        .redirectErrorStream(true).start();
    try (BufferedReader out = new BufferedReader(new InputStreamReader(curl.getInputStream(), StandardCharsets.UTF_8))) {
      String first = out.readLine();
      assertNotNull(first);
      assertTrue(first.startsWith(": vsd status stream"), first);
      assertEquals(201, running.admin.post("/api/v1/services/" + service() + "/servers",
          "{\"address\": \"127.0.0.1:1\", \"weight\": 2}").status());
      String line;
      String topic = null;
      while ((line = out.readLine()) != null) {
        if (line.startsWith("event: ")) {
          topic = line.substring(7);
        } else if (line.startsWith("data: ")) {
          break;
        }
      }
      assertEquals("config", topic);
      assertTrue(line != null && line.contains("127.0.0.1:1"), line);
    } finally {
      curl.destroy();
    }
  }

  @Test
  void bridgeForwardsStatusAddressesAndRefusesEverythingInbound() throws Exception {
    client = Vertx.vertx();
    WebSocketClient ws = client.createWebSocketClient(); // kept referenced for the test's length
    BlockingQueue<JsonObject> frames = new LinkedBlockingQueue<>();
    WebSocket socket = ws.connect(new WebSocketConnectOptions().setHost("127.0.0.1")
            .setPort(running.director.adminPort()).setURI("/eventbus/websocket")
            .addHeader("Authorization", TestTokens.bearer()))
        .await(10, TimeUnit.SECONDS);
    socket.handler(b -> frames.add(new JsonObject(b.toString(StandardCharsets.UTF_8))));
    socket.writeTextMessage(new JsonObject().put("type", "register").put("address", "vsd.health").encode())
        .await(5, TimeUnit.SECONDS);
    socket.writeTextMessage(new JsonObject().put("type", "register").put("address", "vsd.config").encode())
        .await(5, TimeUnit.SECONDS);
    Thread.sleep(500); // the registrations are made on the director's side

    assertEquals(200, running.admin.put("/api/v1/services/" + service() + "/servers/127.0.0.1:" + backendA.getLocalPort(),
        "{\"address\": \"127.0.0.1:" + backendA.getLocalPort() + "\", \"weight\": 9}").status());
    JsonObject config = next(frames, f -> "vsd.config".equals(f.getString("address")));
    assertEquals("rec", config.getString("type"));
    assertEquals(service(), config.getJsonObject("body").getString("service"));

    int port = backendB.getLocalPort();
    backendB.close();
    JsonObject health = next(frames, f -> "vsd.health".equals(f.getString("address"))
        && "down".equals(f.getJsonObject("body").getString("newState")));
    assertEquals("127.0.0.1:" + port, health.getJsonObject("body").getString("server"));

    // Nothing inbound: a send to the table (which would clear it), a publish, and a register elsewhere.
    for (JsonObject refused : List.of(
        new JsonObject().put("type", "send").put("address", "vsd.table").put("replyAddress", "r1")
            .put("body", new JsonObject().put("action", "clear")),
        new JsonObject().put("type", "publish").put("address", "vsd.health").put("body", new JsonObject()),
        new JsonObject().put("type", "register").put("address", "vsd.table"),
        new JsonObject().put("type", "register").put("address", "vsd.dataplane.status"))) {
      socket.writeTextMessage(refused.encode()).await(5, TimeUnit.SECONDS);
      JsonObject err = next(frames, f -> "err".equals(f.getString("type")));
      assertEquals("access_denied", err.getString("body"), refused + " -> " + err);
    }
    JsonObject table = running.admin.get("/api/v1/services").json();
    assertEquals(1, table.getJsonArray("services").size(), "the table was not cleared");
  }

  static JsonObject next(BlockingQueue<JsonObject> frames, Predicate<JsonObject> wanted) throws InterruptedException {
    List<JsonObject> seen = new ArrayList<>();
    long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(15);
    while (System.nanoTime() < deadline) {
      JsonObject f = frames.poll(100, TimeUnit.MILLISECONDS);
      if (f != null) {
        seen.add(f);
        if (wanted.test(f)) {
          return f;
        }
      }
    }
    throw new AssertionError("no such frame; seen " + seen);
  }

  /** One sample of a Prometheus text scrape. */
  record Sample(String name, Map<String, String> labels, double value) {}

  static final Pattern LINE = Pattern.compile("([a-zA-Z_:][a-zA-Z0-9_:]*)(\\{(.*)})? (\\S+)");
  static final Pattern LABEL = Pattern.compile("([a-zA-Z_][a-zA-Z0-9_]*)=\"((?:[^\"\\\\]|\\\\.)*)\",?");

  List<Sample> scrape() throws Exception {
    HttpResponse<String> r = http.send(HttpRequest.newBuilder(URI.create(base() + "/metrics"))
            .header("Authorization", TestTokens.bearer()).timeout(java.time.Duration.ofSeconds(5)).build(),
        HttpResponse.BodyHandlers.ofString());
    assertEquals(200, r.statusCode());
    assertTrue(r.headers().firstValue("Content-Type").orElse("").startsWith("text/plain"), r.headers().toString());
    List<Sample> samples = new ArrayList<>();
    for (String line : r.body().split("\n")) {
      if (line.isBlank() || line.startsWith("#")) {
        continue;
      }
      Matcher m = LINE.matcher(line);
      assertTrue(m.matches(), "not a Prometheus sample line: " + line);
      Map<String, String> labels = new HashMap<>();
      if (m.group(3) != null) {
        Matcher l = LABEL.matcher(m.group(3));
        while (l.find()) {
          labels.put(l.group(1), l.group(2));
        }
      }
      samples.add(new Sample(m.group(1), labels, Double.parseDouble(m.group(4))));
    }
    return samples;
  }

  static Double value(List<Sample> samples, String name, Map<String, String> labels) {
    return samples.stream().filter(s -> s.name().equals(name) && s.labels().equals(labels))
        .map(Sample::value).findFirst().orElse(null);
  }

  @Test
  void prometheusScrapeHasServiceServerAndVertxMetrics() throws Exception {
    String a = "127.0.0.1:" + backendA.getLocalPort();
    String b = "127.0.0.1:" + backendB.getLocalPort();
    Map<String, String> atA = Map.of("service", service(), "server", a);
    Map<String, String> atB = Map.of("service", service(), "server", b);
    // The snapshot is refreshed once a second.
    List<Sample> s = waitFor(x -> value(x, "vsd_server_weight", atA) != null);
    assertEquals(3.0, value(s, "vsd_server_weight", atA));
    assertEquals(1.0, value(s, "vsd_server_weight", atB));
    assertEquals(0.0, value(s, "vsd_server_active_connections", atA));
    assertEquals(0.0, value(s, "vsd_service_inactive_connections", Map.of("service", service())));

    backendB.close();
    s = waitFor(x -> Double.valueOf(0.0).equals(value(x, "vsd_server_up", atB)));
    assertEquals(0.0, value(s, "vsd_server_effective_weight", atB));
    assertEquals(1.0, value(s, "vsd_server_up", atA));
    assertEquals(3.0, value(s, "vsd_server_effective_weight", atA));
    assertEquals(1.0, value(s, "vsd_service_health_state", Map.of("service", service(), "state", "up")));
    assertEquals(0.0, value(s, "vsd_service_health_state", Map.of("service", service(), "state", "down")));
    double checks = s.stream().filter(x -> x.name().equals("vsd_health_check_latency_seconds_count")
        && x.labels().get("server").equals(a)).mapToDouble(Sample::value).sum();
    assertTrue(checks >= 1, "health-check latency recorded: " + checks);

    // Vert.x's own metrics, and the JVM's.
    assertTrue(s.stream().anyMatch(x -> x.name().startsWith("vertx_http_server_")), "vertx http server metrics");
    assertTrue(s.stream().anyMatch(x -> x.name().startsWith("vertx_eventbus_")), "vertx event-bus metrics");
    assertTrue(s.stream().anyMatch(x -> x.name().startsWith("jvm_memory_")), "jvm metrics");

    // Bounded labels: vsd's meters carry only service, server, state, result and scheduler (and a histogram's le).
    Set<String> allowed = Set.of("service", "server", "state", "result", "scheduler", "le");
    for (Sample x : s) {
      if (x.name().startsWith("vsd_")) {
        assertTrue(allowed.containsAll(x.labels().keySet()), x.toString());
      }
      assertTrue(!x.labels().containsKey("remote"), "no per-client labels: " + x);
    }
  }

  @Test
  void schedulerPickLatencyIsAHistogramThatCountsEveryPick() throws Exception {
    try (TestBackend real = new TestBackend("R")) {
      int port = RunningDirector.freePort();
      String svc = SERVICE.formatted(port);
      assertEquals(201, running.admin.post("/api/v1/services", """
          {"address": "127.0.0.1:%d", "scheduler": "rr", "servers": [{"address": "%s"}]}
          """.formatted(port, real.address())).status());
      int connections = 25;
      for (int i = 0; i < connections; i++) {
        assertEquals("R", TestClient.nameOf(port));
      }
      Map<String, String> labels = Map.of("service", svc, "scheduler", "rr");
      // A live real server: no retry, so one pick per connection. The snapshot is refreshed once a second.
      List<Sample> s = waitFor(x -> Double.valueOf(connections).equals(value(x, "vsd_scheduler_pick_seconds_count", labels)));
      s.stream().filter(x -> x.name().startsWith("vsd_scheduler_pick_seconds") && svc.equals(x.labels().get("service")))
          .forEach(x -> System.out.println("pick latency: " + x)); // the figures, in the test's output
      double sum = value(s, "vsd_scheduler_pick_seconds_sum", labels);
      assertTrue(sum > 0 && sum < connections * 0.01, "sum of the picks' seconds: " + sum);
      // Cumulative buckets in increasing le, ending with +Inf at the count.
      List<Sample> buckets = s.stream().filter(x -> x.name().equals("vsd_scheduler_pick_seconds_bucket")
          && svc.equals(x.labels().get("service"))).toList();
      assertTrue(buckets.size() >= 10, "buckets from 25 ns up: " + buckets);
      double lastLe = -1;
      double lastCount = 0;
      for (Sample b : buckets) {
        assertEquals("rr", b.labels().get("scheduler"));
        double le = b.labels().get("le").equals("+Inf") ? Double.POSITIVE_INFINITY : Double.parseDouble(b.labels().get("le"));
        assertTrue(le > lastLe && b.value() >= lastCount, "cumulative and ordered: " + buckets);
        lastLe = le;
        lastCount = b.value();
      }
      assertEquals(Double.POSITIVE_INFINITY, lastLe);
      assertEquals(connections, lastCount);
      assertEquals(2.5e-8, Double.parseDouble(buckets.get(0).labels().get("le")), 1e-12, "the first bucket is 25 ns");
      // The wrr service of the fixture has had no connection: its histogram is there, empty.
      assertEquals(0.0, value(s, "vsd_scheduler_pick_seconds_count", Map.of("service", service(), "scheduler", "wrr")));
    }
  }

  List<Sample> waitFor(Predicate<List<Sample>> ready) throws Exception {
    long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(15);
    List<Sample> s = scrape();
    while (!ready.test(s)) {
      assertTrue(System.nanoTime() < deadline, "timed out; last scrape " + s);
      Thread.sleep(200);
      s = scrape();
    }
    return s;
  }

  @Test
  void dashboardIsServedAndTheRootRedirectsToIt() throws Exception {
    HttpResponse<String> page = http.send(HttpRequest.newBuilder(URI.create(base() + "/dashboard")).build(),
        HttpResponse.BodyHandlers.ofString());
    assertEquals(200, page.statusCode());
    assertTrue(page.headers().firstValue("Content-Type").orElse("").startsWith("text/html"));
    assertTrue(page.body().contains("new EventSource(\"/api/v1/events?access_token=\""));
    assertTrue(!page.body().contains("http://") && !page.body().contains("https://"), "nothing fetched from elsewhere");
    HttpResponse<String> root = http.send(HttpRequest.newBuilder(URI.create(base() + "/")).build(),
        HttpResponse.BodyHandlers.ofString());
    assertEquals(302, root.statusCode());
    assertEquals("/dashboard", root.headers().firstValue("Location").orElse(null));
  }
}
