package io.vsd.admin.http;

import io.micrometer.core.instrument.FunctionCounter;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.Meter;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.Tags;
import io.micrometer.core.instrument.Timer;
import io.micrometer.prometheusmetrics.PrometheusConfig;
import io.micrometer.prometheusmetrics.PrometheusMeterRegistry;
import io.prometheus.metrics.model.registry.MultiCollector;
import io.prometheus.metrics.model.snapshots.ClassicHistogramBuckets;
import io.prometheus.metrics.model.snapshots.HistogramSnapshot;
import io.prometheus.metrics.model.snapshots.Labels;
import io.prometheus.metrics.model.snapshots.MetricSnapshots;
import io.vertx.core.Future;
import io.vertx.core.Handler;
import io.vertx.core.Vertx;
import io.vertx.core.eventbus.DeliveryOptions;
import io.vertx.core.eventbus.Message;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.web.RoutingContext;
import io.vertx.micrometer.MicrometerMetricsOptions;
import io.vertx.micrometer.PrometheusScrapingHandler;
import io.vertx.micrometer.VertxPrometheusOptions;
import io.vertx.micrometer.backends.BackendRegistries;
import io.vsd.eventbus.Addresses;
import io.vsd.eventbus.HealthEvent;
import io.vsd.eventbus.TableCommands;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/**
 * vsd's meters and the Prometheus scrape at {@code /metrics} (docs/monitoring.md).
 *
 * <p>Once a second this reads the same view that {@code GET /api/v1/services} answers (the table, the data
 * plane's live counts, the health verticle's view) into a snapshot, and every per-service and per-server meter
 * reads that snapshot: a scrape costs no event-bus request. Meters of services and servers that are gone are
 * removed. Labels are the service key and the real server's address only, so their number is bounded by the
 * configuration, never by clients.
 */
final class StatusMetrics {
  /** How often the snapshot is refreshed. */
  static final long REFRESH_MS = 1_000;

  /** The Micrometer registry Vert.x's metrics use for a director: one per director, so that tests can run several. */
  static String registryName(String directorId) {
    return "vsd-" + directorId;
  }

  /** Vert.x's metrics options for a director: Micrometer with a Prometheus registry, and the JVM's meters. */
  public static MicrometerMetricsOptions vertxOptions(String directorId) {
    MicrometerMetricsOptions options = new MicrometerMetricsOptions()
        .setPrometheusOptions(new VertxPrometheusOptions().setEnabled(true))
        .setJvmMetricsEnabled(true)
        .setRegistryName(registryName(directorId));
    options.setEnabled(true);
    return options;
  }

  private final Vertx vertx;
  private final PrometheusMeterRegistry registry;
  private final boolean ownRegistry;
  private final Map<String, Holder> meters = new HashMap<>();
  /** The last check time seen per server, so that each check's latency is recorded once. */
  private final Map<String, Long> lastCheckTimes = new HashMap<>();
  private long timer = -1;
  private boolean refreshing;
  /** The pick-latency histograms of the last snapshot, one data point per service; read by scrapes. */
  private volatile List<HistogramSnapshot.HistogramDataPointSnapshot> picks = List.of();
  /**
   * Exports {@link #picks} as one Prometheus histogram. The data plane keeps the buckets itself (Micrometer is not
   * on its path), so they are handed to the Prometheus registry as they are, rather than replayed into a Timer.
   */
  private final MultiCollector pickCollector = () -> {
    List<HistogramSnapshot.HistogramDataPointSnapshot> points = picks;
    if (points.isEmpty()) {
      return MetricSnapshots.of();
    }
    HistogramSnapshot.Builder h = HistogramSnapshot.builder().name("vsd_scheduler_pick_seconds")
        .help("Time the scheduler took to pick a real server for a new connection (retries' picks included)");
    points.forEach(h::dataPoint);
    return MetricSnapshots.of(h.build());
  };

  /** One meter's current value; the meter reads it. */
  private static final class Holder {
    volatile double value;
    Meter meter;
    boolean seen;
  }

  private StatusMetrics(Vertx vertx, PrometheusMeterRegistry registry, boolean ownRegistry) {
    this.vertx = vertx;
    this.registry = registry;
    this.ownRegistry = ownRegistry;
  }

  /**
   * The director's registry when Vert.x was built with {@link #vertxOptions}; otherwise (Vert.x without metrics,
   * as in some tests) a registry of this verticle's own, holding vsd's meters only.
   */
  static StatusMetrics create(Vertx vertx, String directorId) {
    MeterRegistry found = directorId == null ? null : BackendRegistries.getNow(registryName(directorId));
    if (found instanceof PrometheusMeterRegistry prometheus) {
      return new StatusMetrics(vertx, prometheus, false);
    }
    return new StatusMetrics(vertx, new PrometheusMeterRegistry(PrometheusConfig.DEFAULT), true);
  }

  MeterRegistry registry() {
    return registry;
  }

  Handler<RoutingContext> scrapeHandler() {
    return PrometheusScrapingHandler.create(registry);
  }

  /** Starts the refresh timer, and registers the stream meters of the SSE endpoint and the bridge. */
  void start(EventStream sse, EventBusBridge bridge) {
    Gauge.builder("vsd.sse.clients", sse.clients, Number::doubleValue)
        .description("Open Server-Sent Events streams at /api/v1/events").register(registry);
    FunctionCounter.builder("vsd.sse.events", sse.sent, Number::doubleValue)
        .description("Events written to SSE streams").register(registry);
    FunctionCounter.builder("vsd.sse.dropped.events", sse.dropped, Number::doubleValue)
        .description("Events dropped because an SSE client did not read fast enough").register(registry);
    if (bridge != null) {
      Gauge.builder("vsd.eventbus.bridge.sockets", bridge.sockets, Number::doubleValue)
          .description("Open SockJS event-bus bridge sockets at /eventbus").register(registry);
      FunctionCounter.builder("vsd.eventbus.bridge.refused", bridge.refused, Number::doubleValue)
          .description("Bridge sends, publishes and registrations refused").register(registry);
    }
    registry.getPrometheusRegistry().register(pickCollector);
    refresh();
    timer = vertx.setPeriodic(REFRESH_MS, id -> refresh());
  }

  void stop() {
    vertx.cancelTimer(timer);
    registry.getPrometheusRegistry().unregister(pickCollector);
    meters.values().forEach(h -> registry.remove(h.meter));
    meters.clear();
    if (ownRegistry) {
      registry.close();
    }
  }

  private Future<JsonObject> request(String address, JsonObject body) {
    return vertx.eventBus().<JsonObject>request(address, body, new DeliveryOptions().setLocalOnly(true)
            .setSendTimeout(REFRESH_MS * 3))
        .map(Message::body);
  }

  /** Reads the table, the data plane and the health view, and brings every meter up to date. */
  void refresh() {
    if (refreshing) {
      return;
    }
    refreshing = true;
    Future<JsonObject> table = request(Addresses.TABLE, new JsonObject().put("action", TableCommands.LIST));
    Future<JsonObject> dataPlane = request(Addresses.DATA_PLANE_STATUS, new JsonObject()).otherwise(new JsonObject());
    Future<JsonObject> health = request(Addresses.HEALTH_STATUS, new JsonObject()).otherwise(new JsonObject());
    Future.join(table, dataPlane, health).onComplete(all -> {
      refreshing = false;
      if (table.failed() || !table.result().getBoolean("ok", false)) {
        return;
      }
      apply(table.result().getJsonObject("result").getJsonArray("services", new JsonArray()),
          dataPlane.result(), health.result());
    });
  }

  private void apply(JsonArray services, JsonObject dataPlane, JsonObject health) {
    meters.values().forEach(h -> h.seen = false);
    JsonObject status = dataPlane.copy().put("vsd.health", health);
    JsonObject liveServices = dataPlane.getJsonObject("services", new JsonObject());
    List<HistogramSnapshot.HistogramDataPointSnapshot> pickPoints = new ArrayList<>();
    for (Object o : services) {
      JsonObject service = ((JsonObject) o).copy();
      AdminApiVerticle.withLiveCounts(service, status);
      String key = service.getString("protocol") + "/" + service.getString("address");
      Tags st = Tags.of("service", key);
      JsonObject stats = service.getJsonObject("stats", new JsonObject());
      gauge("vsd.service.active.connections", st, stats.getInteger("activeConns", 0), "Active connections (ActiveConn)");
      gauge("vsd.service.inactive.connections", st, stats.getInteger("inactConns", 0), "Inactive connections (InActConn)");
      JsonObject serviceHealth = service.getJsonObject("health");
      if (serviceHealth != null) {
        String state = serviceHealth.getString("state", HealthEvent.UP);
        for (String s : List.of(HealthEvent.UP, HealthEvent.QUORUM_LOST, HealthEvent.SORRY, HealthEvent.DOWN)) {
          gauge("vsd.service.health.state", st.and("state", s), s.equals(state) ? 1 : 0,
              "1 for the service's health state (up, quorum-lost, sorry, down), 0 for the others");
        }
      }
      JsonObject live = liveServices.getJsonObject(key, new JsonObject());
      HistogramSnapshot.HistogramDataPointSnapshot pickPoint = pickPoint(key, live.getJsonObject("picks"));
      if (pickPoint != null) {
        pickPoints.add(pickPoint);
      }
      counters("vsd.service", st, live.getJsonObject("stats"));
      counters("vsd.service", st, live.getJsonObject("rates"));
      JsonObject udp = live.getJsonObject("udp"); // UDP services: their sessions (docs/architecture.md)
      if (udp != null) {
        gauge("vsd.service.udp.sessions", st, udp.getInteger("sessions", 0), "UDP sessions open now");
        counter("vsd.service.udp.evicted.sessions", st, udp.getLong("evicted", 0L));
      }
      JsonObject liveServers = live.getJsonObject("servers", new JsonObject());
      for (Object so : service.getJsonArray("servers", new JsonArray())) {
        JsonObject server = (JsonObject) so;
        String address = server.getString("address");
        Tags t = st.and("server", address);
        gauge("vsd.server.active.connections", t, server.getInteger("activeConns", 0), "Active connections (ActiveConn)");
        gauge("vsd.server.inactive.connections", t, server.getInteger("inactConns", 0), "Inactive connections (InActConn)");
        gauge("vsd.server.persistent.connections", t, server.getInteger("persistConns", 0),
            "Persistence templates pointing at the server");
        gauge("vsd.server.weight", t, server.getInteger("weight", 1), "Configured weight");
        JsonObject h = server.getJsonObject("health", new JsonObject());
        boolean up = HealthEvent.UP.equals(h.getString("state", HealthEvent.UP));
        gauge("vsd.server.effective.weight", t, up ? server.getInteger("effectiveWeight", server.getInteger("weight", 1)) : 0,
            "Weight the scheduler uses now (0 while down; slow start and dynamic weights included)");
        gauge("vsd.server.up", t, up ? 1 : 0, "1 while the real server is up (or not checked), 0 while it is down");
        gauge("vsd.server.checked", t, h.getBoolean("checked", false) ? 1 : 0, "1 when a health check watches the server");
        JsonObject liveServer = liveServers.getJsonObject(address, new JsonObject());
        counters("vsd.server", t, liveServer.getJsonObject("stats"));
        counters("vsd.server", t, liveServer.getJsonObject("rates")); // the data plane keeps rates apart
        recordCheck(address, h.getJsonObject("lastCheck"));
      }
    }
    picks = List.copyOf(pickPoints);
    JsonObject udp = dataPlane.getJsonObject("udp"); // the director's UDP session table
    if (udp != null) {
      gauge("vsd.udp.sessions", Tags.empty(), udp.getInteger("sessions", 0), "UDP sessions open now, over all services");
      gauge("vsd.udp.sessions.max", Tags.empty(), udp.getInteger("maxSessions", 0), "The bound of the UDP session table");
      counter("vsd.udp.evicted.sessions", Tags.empty(), udp.getLong("evicted", 0L));
      counter("vsd.udp.dropped.datagrams", Tags.empty(), udp.getLong("dropped", 0L));
    }
    meters.entrySet().removeIf(e -> {
      if (!e.getValue().seen) {
        registry.remove(e.getValue().meter);
        return true;
      }
      return false;
    });
  }

  /**
   * A service's pick latency from the data plane's {@code picks} ({@code boundsNanos}, per-bucket {@code buckets}
   * with one more for above the last bound, {@code sumNanos}), in seconds; null when the status has none.
   */
  static HistogramSnapshot.HistogramDataPointSnapshot pickPoint(String service, JsonObject picks) {
    if (picks == null) {
      return null;
    }
    JsonArray bounds = picks.getJsonArray("boundsNanos", new JsonArray());
    JsonArray counts = picks.getJsonArray("buckets", new JsonArray());
    if (counts.size() != bounds.size() + 1) {
      return null;
    }
    double[] upper = new double[counts.size()];
    long[] n = new long[counts.size()];
    for (int i = 0; i < counts.size(); i++) {
      upper[i] = i < bounds.size() ? bounds.getLong(i) / 1e9 : Double.POSITIVE_INFINITY;
      n[i] = counts.getLong(i);
    }
    return HistogramSnapshot.HistogramDataPointSnapshot.builder()
        .labels(Labels.of("service", service, "scheduler", picks.getString("scheduler", "")))
        .classicHistogramBuckets(ClassicHistogramBuckets.of(upper, n))
        .sum(picks.getLong("sumNanos", 0L) / 1e9)
        .build();
  }

  /** A health check's latency, once per check (the snapshot shows each server's last check). */
  private void recordCheck(String server, JsonObject lastCheck) {
    if (lastCheck == null || lastCheck.getValue("latencyMs") == null || lastCheck.getValue("time") == null) {
      return;
    }
    long time = lastCheck.getLong("time");
    Long before = lastCheckTimes.put(server, time);
    if (before != null && before == time) {
      return;
    }
    double ms = lastCheck.getDouble("latencyMs");
    Timer.builder("vsd.health.check.latency")
        .description("Health-check latency per real server (each check seen in the once-a-second view)")
        .tag("server", server)
        .tag("result", lastCheck.getBoolean("ok", false) ? "ok" : "failed")
        .register(registry)
        .record(Duration.ofNanos((long) (ms * 1_000_000)));
  }

  /**
   * The data plane's counters when its status carries them ({@code "stats"} per service and server: connections,
   * packets and bytes in and out, and their rates); nothing when it does not.
   */
  private void counters(String prefix, Tags tags, JsonObject stats) {
    if (stats == null) {
      return;
    }
    for (String field : stats.fieldNames()) {
      if (!(stats.getValue(field) instanceof Number n)) {
        continue;
      }
      String f = field.toLowerCase(Locale.ROOT).replaceAll("[^a-z]", "");
      String name = switch (f) {
        case "conns", "connections" -> "connections";
        case "inpkts", "inpackets" -> "in.packets";
        case "outpkts", "outpackets" -> "out.packets";
        case "inbytes" -> "in.bytes";
        case "outbytes" -> "out.bytes";
        default -> null;
      };
      if (name != null) {
        counter(prefix + "." + name, tags, n.doubleValue());
        continue;
      }
      String rate = switch (f) {
        case "cps" -> "connections.per.second";
        case "inpps" -> "in.packets.per.second";
        case "outpps" -> "out.packets.per.second";
        case "inbps" -> "in.bytes.per.second";
        case "outbps" -> "out.bytes.per.second";
        default -> null;
      };
      if (rate != null) {
        gauge(prefix + ".rate." + rate, tags, n.doubleValue(), "Rate estimated by the data plane (2 s moving average)");
      }
    }
  }

  private Holder holder(String name, Tags tags) {
    String id = name + tags;
    Holder h = meters.get(id);
    if (h == null) {
      h = new Holder();
      meters.put(id, h);
    }
    h.seen = true;
    return h;
  }

  private void gauge(String name, Tags tags, double value, String description) {
    Holder h = holder(name, tags);
    h.value = value;
    if (h.meter == null) {
      h.meter = Gauge.builder(name, h, x -> x.value).tags(tags).description(description).register(registry);
    }
  }

  private void counter(String name, Tags tags, double value) {
    Holder h = holder(name, tags);
    h.value = value;
    if (h.meter == null) {
      h.meter = FunctionCounter.builder(name, h, x -> x.value).tags(tags)
          .description("Counted by the data plane since start (or the last zeroing)").register(registry);
    }
  }
}
