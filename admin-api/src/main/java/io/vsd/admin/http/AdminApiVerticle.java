package io.vsd.admin.http;

import io.vertx.core.Future;
import io.vertx.core.VerticleBase;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.eventbus.Message;
import io.vertx.core.http.HttpMethod;
import io.vertx.core.http.HttpServer;
import io.vertx.core.json.DecodeException;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.web.Router;
import io.vertx.ext.web.RoutingContext;
import io.vertx.ext.web.handler.BodyHandler;
import io.vsd.eventbus.Addresses;
import io.vsd.eventbus.RoutingApplied;
import io.vsd.eventbus.TableCommands;

/**
 * The admin HTTP API under /api/v1 (docs/admin-api.md). It owns no state: writes are commands to the service
 * table on {@link Addresses#TABLE}, and live counts come from the data plane on
 * {@link Addresses#DATA_PLANE_STATUS}.
 *
 * <p>Every service carries an ETag, its version; a write with If-Match is made only if the resource is still
 * at that version, and is otherwise answered 412, so that two administrators cannot overwrite each other's
 * changes unseen (the table verticle checks it, against the cluster's newest table in a cluster).
 */
public final class AdminApiVerticle extends VerticleBase {
  /** Bodies above this are refused with 413: the largest real request, a service with its servers, is far smaller. */
  public static final int BODY_LIMIT = 64 * 1024;
  /** A batch (vsadm -R) may be a whole save file: about 150 bytes per operation, some 7,000 operations. */
  public static final int BATCH_BODY_LIMIT = 1024 * 1024;
  private static final long APPLY_TIMEOUT_MS = 5_000;
  /** A comment line on every open event stream this often, so that proxies and clients see it alive. */
  static final long EVENTS_KEEP_ALIVE_MS = 15_000;
  private static final String SERVICE = "/api/v1/services/:proto/:address";

  private final String host;
  private final int port;
  private final JsonObject info;
  private final AdminTokens tokens;
  private HttpServer server;
  private AppliedVersions applied;
  private StatusMetrics metrics;

  /**
   * @param info   what GET /api/v1/info answers (name, version, directorId...)
   * @param tokens the bearer tokens it accepts; there is no way to run it without any
   */
  public AdminApiVerticle(String host, int port, JsonObject info, AdminTokens tokens) {
    this.host = host;
    this.port = port;
    this.info = info.copy();
    this.tokens = java.util.Objects.requireNonNull(tokens, "tokens");
  }

  /** Vert.x's metrics options for a director whose /metrics this verticle serves (docs/monitoring.md). */
  public static io.vertx.core.metrics.MetricsOptions metricsOptions(String directorId) {
    return StatusMetrics.vertxOptions(directorId);
  }

  /** The port actually bound (useful when started on port 0). */
  public int actualPort() {
    return server.actualPort();
  }

  @Override
  public Future<?> start() {
    applied = new AppliedVersions(vertx);
    Router router = Router.router(vertx);
    // First of all, before any body is read: no route is reachable without a token (AuthHandler says which are).
    router.route().handler(new AuthHandler(tokens));
    // Liveness for a container's or a supervisor's probe, which holds no secret: it says no more than that the
    // listener answers, which a TCP connect tells anyone anyway.
    router.get("/livez").handler(ctx -> ctx.response().putHeader("Content-Type", "text/plain").end("ok\n"));
    // The first body handler a request meets reads its body; the batch's comes first, with its own limit.
    router.route("/api/v1/batch").handler(BodyHandler.create(false).setBodyLimit(BATCH_BODY_LIMIT));
    router.route("/api/*").handler(BodyHandler.create(false).setBodyLimit(BODY_LIMIT));
    router.route("/api/*").handler(this::checkMediaType);

    router.get("/api/v1/info").handler(ctx -> json(ctx, 200, info));
    router.get("/api/v1/cluster").handler(this::cluster);
    router.get("/api/v1/services").handler(this::listServices);
    router.post("/api/v1/services").handler(ctx -> withBody(ctx, body ->
        change(ctx, command(TableCommands.ADD_SERVICE, null, null, body), 201)));
    router.delete("/api/v1/services").handler(ctx -> change(ctx, command(TableCommands.CLEAR, null, null, null), 204));

    router.post("/api/v1/batch").handler(ctx -> withBody(ctx, body -> batch(ctx, body)));

    router.get("/api/v1/timeouts").handler(this::getTimeouts);
    router.put("/api/v1/timeouts").handler(ctx -> withBody(ctx, body ->
        change(ctx, command(TableCommands.SET_TIMEOUTS, null, null, body), 200)));
    router.get("/api/v1/connections").handler(this::listConnections);

    router.post("/api/v1/stats/zero").handler(ctx -> zero(ctx, null));
    router.post(SERVICE + "/stats/zero").handler(ctx -> zero(ctx, serviceKey(ctx)));

    router.get(SERVICE).handler(this::getService);
    router.put(SERVICE).handler(ctx -> withBody(ctx, body ->
        change(ctx, command(TableCommands.EDIT_SERVICE, serviceKey(ctx), null, body), 200)));
    router.delete(SERVICE).handler(ctx -> change(ctx, command(TableCommands.DELETE_SERVICE, serviceKey(ctx), null, null), 204));

    router.get(SERVICE + "/servers").handler(this::listServers);
    router.post(SERVICE + "/servers").handler(ctx -> withBody(ctx, body ->
        change(ctx, command(TableCommands.ADD_SERVER, serviceKey(ctx), null, body), 201)));
    router.get(SERVICE + "/servers/:server").handler(this::getServer);
    router.put(SERVICE + "/servers/:server").handler(ctx -> withBody(ctx, body ->
        change(ctx, command(TableCommands.EDIT_SERVER, serviceKey(ctx), ctx.pathParam("server"), body), 200)));
    router.delete(SERVICE + "/servers/:server").handler(ctx ->
        change(ctx, command(TableCommands.DELETE_SERVER, serviceKey(ctx), ctx.pathParam("server"), null), 204));

    mountMonitoring(router);

    router.errorHandler(404, ctx -> ProblemResponse.send(ctx, 404, "not-found", "Not found",
        "no resource at " + ctx.request().path() + "; see docs/admin-api.md"));
    router.errorHandler(405, ctx -> ProblemResponse.send(ctx, 405, "method-not-allowed", "Method not allowed",
        ctx.request().method() + " is not allowed on " + ctx.request().path()));
    router.errorHandler(413, ctx -> ProblemResponse.send(ctx, 413, "too-large", "Request body too large",
        "the body is over the limit of " + (ctx.request().path().equals("/api/v1/batch") ? BATCH_BODY_LIMIT : BODY_LIMIT)
            + " bytes"));
    router.errorHandler(500, ctx -> ProblemResponse.send(ctx, 500, "internal", "Internal error",
        ctx.failure() == null ? "internal error" : String.valueOf(ctx.failure().getMessage())));

    return applied.start()
        .compose(v -> vertx.createHttpServer(serverOptions()).requestHandler(router).listen(port, host))
        .onSuccess(s -> server = s);
  }

  /**
   * HTTP/1.1 only on the clear-text listener: a client's h2c upgrade (the JDK's HttpClient asks for one by default)
   * is declined rather than taken. With it taken, JDK clients hung on responses of ~20 KB (a /metrics scrape).
   */
  private static io.vertx.core.http.HttpServerOptions serverOptions() {
    return new io.vertx.core.http.HttpServerOptions().setHttp2ClearTextEnabled(false);
  }

  @Override
  public Future<?> stop() {
    if (metrics != null) {
      metrics.stop();
    }
    return server == null ? Future.succeededFuture() : server.close();
  }

  /**
   * Monitoring (docs/monitoring.md): the SSE status stream, the SockJS event-bus bridge, the Prometheus scrape and
   * the dashboard. Every route of this verticle is under /api, /eventbus, /metrics or /dashboard (and / only
   * redirects), so that a single handler put first on the router can guard them all.
   */
  private void mountMonitoring(Router router) {
    EventStream events = new EventStream(vertx, EVENTS_KEEP_ALIVE_MS);
    router.get("/api/v1/events").handler(events::handle);
    EventBusBridge.Mounted bridge = EventBusBridge.create(vertx);
    router.route("/eventbus/*").subRouter(bridge.router());
    metrics = StatusMetrics.create(vertx, info.getString("directorId"));
    router.get("/metrics").handler(metrics.scrapeHandler());
    metrics.start(events, bridge.bridge());
    router.get("/dashboard").handler(Dashboard.handler());
    router.get("/").handler(ctx -> ctx.redirect("/dashboard"));
  }

  private void checkMediaType(RoutingContext ctx) {
    HttpMethod m = ctx.request().method();
    String type = ctx.request().getHeader("Content-Type");
    boolean hasBody = ctx.body() != null && ctx.body().length() > 0;
    if ((m == HttpMethod.POST || m == HttpMethod.PUT) && hasBody && type != null && !isJson(type)) {
      ProblemResponse.send(ctx, 415, "unsupported-media-type", "Unsupported media type",
          "the body must be application/json, got " + type);
      return;
    }
    ctx.next();
  }

  private static boolean isJson(String contentType) {
    String t = contentType.split(";", 2)[0].trim().toLowerCase();
    // curl -d sends form-urlencoded unless told otherwise; the body is still parsed as JSON.
    return t.equals("application/json") || t.endsWith("+json") || t.equals("application/x-www-form-urlencoded");
  }

  private interface BodyConsumer {
    void accept(JsonObject body);
  }

  private void withBody(RoutingContext ctx, BodyConsumer next) {
    Buffer raw = ctx.body() == null ? null : ctx.body().buffer();
    if (raw == null || raw.length() == 0) {
      ProblemResponse.send(ctx, 400, "malformed-json", "Malformed JSON", "the request needs a JSON object body");
      return;
    }
    Object parsed;
    try {
      parsed = raw.toJsonValue();
    } catch (DecodeException e) {
      ProblemResponse.send(ctx, 400, "malformed-json", "Malformed JSON", "the body is not valid JSON: "
          + firstLine(e.getMessage()));
      return;
    }
    if (!(parsed instanceof JsonObject body)) {
      ProblemResponse.send(ctx, 400, "malformed-json", "Malformed JSON", "the body must be a JSON object");
      return;
    }
    next.accept(body);
  }

  /** POST /api/v1/batch: several changes, all made or none (docs/admin-api.md). */
  private void batch(RoutingContext ctx, JsonObject body) {
    if (!(body.getValue("operations") instanceof JsonArray operations)) {
      ProblemResponse.send(ctx, 400, "validation", "Invalid request", "a batch needs \"operations\", a list",
          new JsonArray().add(new JsonObject().put("pointer", "/operations").put("detail", "a list is required")));
      return;
    }
    change(ctx, new JsonObject().put("action", TableCommands.BATCH).put("operations", operations), 200);
  }

  private static String firstLine(String s) {
    if (s == null) {
      return "";
    }
    int nl = s.indexOf('\n');
    return nl < 0 ? s : s.substring(0, nl);
  }

  private static String serviceKey(RoutingContext ctx) {
    return ctx.pathParam("proto") + "/" + ctx.pathParam("address");
  }

  private static JsonObject command(String action, String service, String server, JsonObject body) {
    return new JsonObject().put("action", action).put("service", service).put("server", server).put("body", body);
  }

  /** A strong entity-tag for a version: {@code "7"}. */
  static String etag(long version) {
    return "\"" + version + "\"";
  }

  /**
   * An If-Match header as the table verticle takes it: "*", or the versions it names (a list, maybe empty).
   * Weak tags ({@code W/"7"}) never match, as If-Match compares strongly; anything else that is not a
   * version is a tag no resource has. Null when there is no header.
   */
  static Object ifMatch(String header) {
    if (header == null) {
      return null;
    }
    if (header.trim().equals("*")) {
      return "*";
    }
    JsonArray versions = new JsonArray();
    for (String tag : header.split(",")) {
      String t = tag.trim();
      if (t.length() >= 2 && t.startsWith("\"") && t.endsWith("\"")) {
        t = t.substring(1, t.length() - 1);
      } else if (t.startsWith("W/")) {
        continue;
      }
      if (t.matches("\\d{1,18}")) {
        versions.add(Long.parseLong(t));
      }
    }
    return versions;
  }

  /** Sends a change to the table, waits until this director runs on it, then answers. */
  private void change(RoutingContext ctx, JsonObject command, int successStatus) {
    Object ifMatch = ifMatch(ctx.request().getHeader("If-Match"));
    if (ifMatch != null) {
      command.put("ifMatch", ifMatch);
    }
    table(command).onSuccess(reply -> {
      if (!reply.getBoolean("ok", false)) {
        if (reply.getValue("version") != null) {
          ctx.response().putHeader("ETag", etag(reply.getLong("version")));
        }
        ProblemResponse.refusal(ctx, reply);
        return;
      }
      long version = reply.getLong("version");
      applied.await(version, APPLY_TIMEOUT_MS).onComplete(a -> {
        if (successStatus == 204) {
          ctx.response().setStatusCode(204).end();
          return;
        }
        // Every change stamps the service it changes with the new table version: that is its ETag now.
        ctx.response().putHeader("ETag", etag(version));
        Object result = reply.getValue("result");
        if (result instanceof JsonObject service && service.containsKey("servers") && a.succeeded()) {
          String key = service.getString("protocol") + "/" + service.getString("address");
          String error = a.result().listenerErrors().get(key);
          service.put("listener", error == null ? "listening" : "error: " + error);
        }
        json(ctx, successStatus, result);
      });
    }).onFailure(ctx::fail);
  }

  private Future<JsonObject> table(JsonObject command) {
    return vertx.eventBus().<JsonObject>request(Addresses.TABLE, command).map(Message::body);
  }

  /** The health verticle's view (docs/event-bus.md); empty when there is none. */
  private Future<JsonObject> healthStatus() {
    return vertx.eventBus().<JsonObject>request(Addresses.HEALTH_STATUS, new JsonObject())
        .map(Message::body)
        .otherwise(new JsonObject());
  }

  /** The data plane's live view; empty when there is no data plane (the counts then read 0). */
  private Future<JsonObject> dataPlaneStatus() {
    return vertx.eventBus().<JsonObject>request(Addresses.DATA_PLANE_STATUS, new JsonObject())
        .map(Message::body)
        .otherwise(new JsonObject());
  }

  /** The membership view (docs/cluster.md): this director alone when standalone. */
  private void cluster(RoutingContext ctx) {
    vertx.eventBus().<JsonObject>request(Addresses.DIRECTORS_VIEW, new JsonObject())
        .map(Message::body)
        .otherwise(e -> new JsonObject().put("cluster", (Object) null).put("self", info.getString("directorId"))
            .put("directors", new JsonArray().add(new JsonObject().put("id", info.getString("directorId")))))
        .onSuccess(view -> json(ctx, 200, view));
  }

  private void listServices(RoutingContext ctx) {
    read(ctx, new JsonObject().put("action", TableCommands.LIST), (table, status) -> {
      JsonArray services = table.getJsonArray("services");
      services.forEach(s -> withLiveCounts((JsonObject) s, status));
      return table;
    });
  }

  private void getService(RoutingContext ctx) {
    read(ctx, command(TableCommands.GET_SERVICE, serviceKey(ctx), null, null), (service, status) -> {
      withLiveCounts(service, status);
      return service;
    });
  }

  private void listServers(RoutingContext ctx) {
    read(ctx, command(TableCommands.GET_SERVICE, serviceKey(ctx), null, null), (service, status) -> {
      withLiveCounts(service, status);
      return service.getJsonArray("servers");
    });
  }

  private void getServer(RoutingContext ctx) {
    read(ctx, command(TableCommands.GET_SERVICE, serviceKey(ctx), null, null), (service, status) -> {
      withLiveCounts(service, status);
      String wanted = ctx.pathParam("server");
      for (Object o : service.getJsonArray("servers")) {
        JsonObject s = (JsonObject) o;
        if (s.getString("address").equals(wanted) || s.getString("address").equals(normalize(wanted))) {
          return s;
        }
      }
      return null;
    });
  }

  private static String normalize(String endpoint) {
    try {
      return io.vsd.services.model.Endpoint.parse(endpoint, 0).toString();
    } catch (IllegalArgumentException e) {
      return endpoint;
    }
  }

  private interface ReadView {
    Object apply(JsonObject result, JsonObject dataPlane);
  }

  private void read(RoutingContext ctx, JsonObject command, ReadView view) {
    table(command).onSuccess(reply -> {
      if (!reply.getBoolean("ok", false)) {
        ProblemResponse.refusal(ctx, reply);
        return;
      }
      Future.join(dataPlaneStatus(), healthStatus()).onComplete(both -> {
        // Both recover to an empty view, so join always succeeds; the health view rides with the data plane's.
        JsonObject status = both.result().<JsonObject>resultAt(0).copy().put(HEALTH, both.result().<JsonObject>resultAt(1));
        JsonObject result = reply.getJsonObject("result");
        // A service's ETag is its version (its real servers share it); the list's is the table's version.
        Long version = result.getLong("version");
        Object body = view.apply(result, status);
        if (version != null) {
          ctx.response().putHeader("ETag", etag(version));
        }
        if (body == null) {
          ProblemResponse.send(ctx, 404, "not-found", "Not found", "no real server " + ctx.pathParam("server")
              + " in virtual service " + serviceKey(ctx));
        } else {
          json(ctx, 200, body);
        }
      });
    }).onFailure(ctx::fail);
  }

  /** Adds ActiveConn/InActConn and the listener state from the data plane's status to a service's JSON. */
  static void withLiveCounts(JsonObject service, JsonObject dataPlane) {
    String key = service.getString("protocol") + "/" + service.getString("address");
    JsonObject live = dataPlane.getJsonObject("services", new JsonObject()).getJsonObject(key, new JsonObject());
    JsonObject liveServers = live.getJsonObject("servers", new JsonObject());
    int active = 0;
    int inactive = 0;
    for (Object o : service.getJsonArray("servers", new JsonArray())) {
      JsonObject server = (JsonObject) o;
      JsonObject counts = liveServers.getJsonObject(server.getString("address"), new JsonObject());
      int a = counts.getInteger("activeConns", 0);
      int i = counts.getInteger("inactConns", 0);
      server.put("activeConns", a).put("inactConns", i).put("persistConns", counts.getInteger("persistConns", 0))
          .put("effectiveWeight", counts.getInteger("weight", server.getInteger("weight")))
          .put("stats", traffic(counts.getJsonObject("stats"), STATS_FIELDS))
          .put("rates", traffic(counts.getJsonObject("rates"), RATES_FIELDS));
      active += a;
      inactive += i;
    }
    service.put("stats", traffic(live.getJsonObject("stats"), STATS_FIELDS).put("activeConns", active)
        .put("inactConns", inactive));
    service.put("rates", traffic(live.getJsonObject("rates"), RATES_FIELDS));
    if (live.containsKey("listener")) {
      service.put("listener", live.getString("listener"));
    }
    if (live.containsKey("udp")) {
      service.put("udp", live.getJsonObject("udp")); // a UDP service's sessions and evictions
    }
    HealthView.add(service, dataPlane.getJsonObject(HEALTH));
  }

  /** The data plane's traffic counters and rates (ipvsadm --stats, --rate), all 0 without a data plane. */
  private static final java.util.List<String> STATS_FIELDS = java.util.List.of("conns", "inPkts", "outPkts", "inBytes",
      "outBytes");
  private static final java.util.List<String> RATES_FIELDS = java.util.List.of("cps", "inPps", "outPps", "inBps", "outBps");

  private static JsonObject traffic(JsonObject live, java.util.List<String> fields) {
    JsonObject out = new JsonObject();
    for (String f : fields) {
      out.put(f, live == null ? 0L : live.getLong(f, 0L));
    }
    return out;
  }

  /** ipvsadm -L --timeout: the table's timeouts; the ETag is the version that set them. */
  private void getTimeouts(RoutingContext ctx) {
    table(new JsonObject().put("action", TableCommands.LIST)).onSuccess(reply -> {
      if (!reply.getBoolean("ok", false)) {
        ProblemResponse.refusal(ctx, reply);
        return;
      }
      JsonObject timeouts = reply.getJsonObject("result").getJsonObject("timeouts");
      ctx.response().putHeader("ETag", etag(timeouts.getLong("version", 0L)));
      json(ctx, 200, timeouts);
    }).onFailure(ctx::fail);
  }

  /** The default and largest number of connections one listing returns. */
  static final int CONNECTIONS_DEFAULT_LIMIT = 10_000;
  static final int CONNECTIONS_MAX_LIMIT = 100_000;

  /**
   * ipvsadm -L -c: this director's live connections, from the data plane, of every service or of
   * {@code ?service=tcp/10.0.0.1:80}, at most {@code ?limit=N}; "truncated" says when some were left out.
   */
  private void listConnections(RoutingContext ctx) {
    java.util.List<String> limits = ctx.queryParam("limit");
    int limit = CONNECTIONS_DEFAULT_LIMIT;
    if (!limits.isEmpty()) {
      String text = limits.getFirst();
      if (!text.matches("\\d{1,6}") || Integer.parseInt(text) < 1 || Integer.parseInt(text) > CONNECTIONS_MAX_LIMIT) {
        ProblemResponse.send(ctx, 400, "validation", "Invalid request", "limit must be a whole number from 1 to "
            + CONNECTIONS_MAX_LIMIT + ", got \"" + text + "\"", new JsonArray().add(new JsonObject()
            .put("pointer", "/limit").put("detail", "a whole number from 1 to " + CONNECTIONS_MAX_LIMIT)));
        return;
      }
      limit = Integer.parseInt(text);
    }
    for (String name : ctx.queryParams().names()) {
      if (!name.equals("limit") && !name.equals("service")) {
        ProblemResponse.send(ctx, 400, "validation", "Invalid request", "unknown query parameter \"" + name
            + "\"; the connection list takes service and limit");
        return;
      }
    }
    String service = ctx.queryParams().get("service");
    int max = limit;
    Future<JsonObject> known = service == null ? Future.succeededFuture(new JsonObject().put("ok", true))
        : table(command(TableCommands.GET_SERVICE, service, null, null));
    known.onSuccess(reply -> {
      if (!reply.getBoolean("ok", false)) {
        ProblemResponse.refusal(ctx, reply);
        return;
      }
      JsonObject request = new JsonObject().put("limit", max);
      if (service != null) {
        JsonObject s = reply.getJsonObject("result");
        request.put("service", s.getString("protocol") + "/" + s.getString("address"));
      }
      vertx.eventBus().<JsonObject>request(Addresses.DATA_PLANE_CONNECTIONS, request)
          .map(Message::body)
          // No data plane on this director: no connection.
          .otherwise(e -> new JsonObject().put("connections", new JsonArray()).put("total", 0).put("truncated", false))
          .onSuccess(list -> json(ctx, 200, list.put("limit", max)));
    }).onFailure(ctx::fail);
  }

  /** ipvsadm -Z: zeroes this director's counters, of every service or of one (404 when there is no such service). */
  private void zero(RoutingContext ctx, String service) {
    Future<JsonObject> known = service == null ? Future.succeededFuture(new JsonObject().put("ok", true))
        : table(command(TableCommands.GET_SERVICE, service, null, null));
    known.onSuccess(reply -> {
      if (!reply.getBoolean("ok", false)) {
        ProblemResponse.refusal(ctx, reply);
        return;
      }
      JsonObject body = new JsonObject();
      if (service != null) {
        body.put("service", reply.getJsonObject("result").getString("protocol") + "/"
            + reply.getJsonObject("result").getString("address"));
      }
      vertx.eventBus().request(Addresses.DATA_PLANE_ZERO, body)
          .onComplete(ar -> ctx.response().setStatusCode(204).end()); // no data plane: nothing to zero
    }).onFailure(ctx::fail);
  }

  /** Where {@link #read} puts the health verticle's view next to the data plane's. */
  private static final String HEALTH = "vsd.health";

  private static void json(RoutingContext ctx, int status, Object body) {
    String text = body instanceof JsonObject o ? o.encodePrettily()
        : body instanceof JsonArray a ? a.encodePrettily() : String.valueOf(body);
    ctx.response().setStatusCode(status).putHeader("Content-Type", "application/json").end(text);
  }
}
