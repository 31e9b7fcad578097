package io.vsd.services.routing;

import io.vertx.core.Future;
import io.vertx.core.VerticleBase;
import io.vertx.core.eventbus.MessageConsumer;
import io.vertx.core.json.JsonObject;
import io.vsd.eventbus.Addresses;
import io.vsd.eventbus.ConfigChange;
import io.vsd.eventbus.TableCommands;
import io.vsd.services.model.Endpoint;
import io.vsd.services.model.RealServer;
import io.vsd.services.model.ServiceJson;
import io.vsd.services.model.ServiceKey;
import io.vsd.services.model.Timeouts;
import io.vsd.services.model.VirtualService;
import io.vsd.services.scheduler.ConnectionCounts;
import io.vsd.services.scheduler.Destination;
import io.vsd.services.scheduler.SchedulerConfig;
import io.vsd.services.scheduler.Schedulers;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.function.LongSupplier;
import io.vsd.services.persistence.PersistenceTemplates;
import io.vsd.eventbus.cluster.SharedMap;

/**
 * Turns the service table into routing snapshots. It follows {@link Addresses#CONFIG}, rebuilds the route of
 * each changed service (the others keep their scheduler position), installs the new snapshot in the
 * {@link RoutingTable}, and announces it on {@link Addresses#ROUTING}.
 *
 * <p>It also follows this director's {@link Addresses#HEALTH} events, and rebuilds the route of a service whose
 * real server changed state: {@link HealthRouting} says how (docs/health.md).
 */
public final class SchedulingVerticle extends VerticleBase {
  /** How often expired persistence templates are dropped. */
  static final long TEMPLATE_SWEEP_MS = 1_000;

  private final RoutingTable routing;
  private final LongSupplier clock;
  private final Map<ServiceKey, ServiceRoute> routes = new LinkedHashMap<>();
  /** Persistence templates per service, kept across snapshots while the persistence settings stay the same. */
  private final Map<ServiceKey, PersistenceTemplates> templates = new HashMap<>();
  /** Slow start: when each ramping real server was added or came back, per service. */
  private final Map<ServiceKey, Map<Endpoint, Long>> rampStarts = new HashMap<>();
  private long rampTimer = -1;
  /** Live counts per real server, kept across snapshots so an edit does not reset them. */
  private final Map<ServiceKey, Map<Endpoint, ConnectionCounts>> counts = new HashMap<>();
  private long version = -1;
  /** The table's connection timeouts, handed to the data plane in every snapshot. */
  private Timeouts timeouts = Timeouts.DEFAULT;
  /** Changes that arrive before the initial table; applied after it, in order. */
  private List<ConfigChange> early = new ArrayList<>();
  private final String directorId;
  private HealthRouting health;
  /** Health events that arrive before the initial table; applied after it. */
  private List<JsonObject> earlyHealth = new ArrayList<>();
  /** The cluster's shared persistence templates; null when standalone. */
  private SharedMap sharedTemplates;

  public SchedulingVerticle(RoutingTable routing) {
    this(routing, null, System::currentTimeMillis);
  }

  /** @param directorId this director's id, in the service health events it publishes */
  public SchedulingVerticle(RoutingTable routing, String directorId) {
    this(routing, directorId, System::currentTimeMillis);
  }

  /**
   * @param directorId this director's id, in the service health events it publishes
   * @param clock      milliseconds, for persistence timeouts and slow start; tests drive it
   */
  public SchedulingVerticle(RoutingTable routing, String directorId, LongSupplier clock) {
    this.routing = routing;
    this.directorId = directorId;
    this.clock = clock;
  }

  /**
   * In a cluster: persistence templates are shared with the other directors through {@code templates}
   * (docs/cluster.md). Call before deploying.
   */
  public SchedulingVerticle shareTemplates(SharedMap templates) {
    this.sharedTemplates = templates;
    return this;
  }

  @Override
  public Future<?> start() {
    health = new HealthRouting(vertx, directorId);
    // Local: in a cluster, this director's table verticle hands it every change, in order (docs/cluster.md).
    MessageConsumer<JsonObject> consumer = vertx.eventBus().localConsumer(Addresses.CONFIG,
        m -> onChange(ConfigChange.fromJson(m.body())));
    // Local: only this director's probes say what this director's routes do.
    MessageConsumer<JsonObject> healthEvents = vertx.eventBus().localConsumer(Addresses.HEALTH, m -> onHealth(m.body()));
    return Future.all(consumer.completion(), healthEvents.completion())
        .compose(v -> vertx.eventBus().<JsonObject>request(Addresses.TABLE, new JsonObject().put("action", TableCommands.LIST)))
        .compose(reply -> health.load().map(reply))
        .map(reply -> {
          JsonObject table = reply.body().getJsonObject("result");
          for (Object o : table.getJsonArray("services")) {
            VirtualService s = ServiceJson.fromJson((JsonObject) o);
            routes.put(s.key(), build(s));
          }
          version = table.getLong("version");
          timeouts = Timeouts.fromJson(table.getJsonObject("timeouts"));
          List<ConfigChange> pending = early;
          early = null;
          pending.forEach(this::onChange);
          List<JsonObject> pendingHealth = earlyHealth;
          earlyHealth = null;
          pendingHealth.forEach(this::onHealth);
          install();
          vertx.setPeriodic(TEMPLATE_SWEEP_MS, id -> templates.values().forEach(PersistenceTemplates::expire));
          return null;
        });
  }

  private void onChange(ConfigChange change) {
    if (early != null) {
      early.add(change);
      return;
    }
    if (change.version() <= version) {
      return;
    }
    switch (change.kind()) {
      case CLEARED -> {
        routes.clear();
        counts.clear();
        templates.clear();
        rampStarts.clear();
        health.clear();
      }
      case SERVICE_DELETED -> {
        ServiceKey key = ServiceKey.parse(change.service());
        routes.remove(key);
        counts.remove(key);
        templates.remove(key);
        rampStarts.remove(key);
        health.forget(key);
      }
      case LOADED -> { }
      case TIMEOUTS_CHANGED -> timeouts = Timeouts.fromJson(change.state());
      default -> {
        VirtualService s = ServiceJson.fromJson(change.state());
        ServiceRoute previous = routes.get(s.key());
        if (previous != null) {
          startRamps(previous.service(), s);
        }
        routes.put(s.key(), build(s));
      }
    }
    version = change.version();
    install();
  }

  private ServiceRoute build(VirtualService service) {
    Map<Endpoint, ConnectionCounts> previous = counts.getOrDefault(service.key(), Map.of());
    Map<Endpoint, ConnectionCounts> kept = new HashMap<>();
    Map<Endpoint, Long> ramps = rampStarts.getOrDefault(service.key(), Map.of());
    long now = clock.getAsLong();
    List<Destination> destinations = new ArrayList<>();
    for (RealServer r : service.servers()) {
      ConnectionCounts c = previous.getOrDefault(r.endpoint(), new ConnectionCounts());
      kept.put(r.endpoint(), c);
      Destination d = health.destination(service, r, c);
      if (d != null) {
        Long rampStart = ramps.get(r.endpoint());
        destinations.add(rampStart == null ? d
            : d.withWeight(SlowStart.weight(d.weight(), now - rampStart, service.slowStart())));
      }
    }
    counts.put(service.key(), kept);
    destinations = health.withQuorum(service, destinations);
    return new ServiceRoute(service, destinations, health.withSorry(service, destinations,
        Schedulers.create(service.scheduler(), destinations, SchedulerConfig.of(service))), templatesFor(service));
  }

  /** The service's templates: kept while its persistence settings stay the same, dropped when they change. */
  private PersistenceTemplates templatesFor(VirtualService service) {
    if (service.persistence() == null) {
      templates.remove(service.key());
      return null;
    }
    PersistenceTemplates t = templates.get(service.key());
    if (t == null || !t.persistence().equals(service.persistence())) {
      t = new PersistenceTemplates(service.persistence(), clock, sharedTemplates, service.key().toString());
      templates.put(service.key(), t);
    }
    return t;
  }

  /**
   * Slow start: a real server that was just added to a running service, or whose weight went from 0 to more,
   * ramps up over the service's window. Servers loaded at start-up do not ramp.
   */
  private void startRamps(VirtualService before, VirtualService after) {
    if (after.slowStart() <= 0) {
      rampStarts.remove(after.key());
      return;
    }
    long now = clock.getAsLong();
    Map<Endpoint, Long> ramps = rampStarts.computeIfAbsent(after.key(), k -> new HashMap<>());
    ramps.keySet().removeIf(e -> after.server(e).isEmpty());
    for (RealServer r : after.servers()) {
      int old = before.server(r.endpoint()).map(RealServer::weight).orElse(0);
      if (r.weight() > 0 && old == 0) {
        ramps.put(r.endpoint(), now);
      }
    }
  }

  /** Starts the server's ramp now: it came back up after a health check had taken it out. */
  void serverCameBack(ServiceKey key, Endpoint server) {
    ServiceRoute route = routes.get(key);
    if (route != null && route.service().slowStart() > 0) {
      rampStarts.computeIfAbsent(key, k -> new HashMap<>()).put(server, clock.getAsLong());
    }
  }

  /** A health event: rebuild the route of its service when routing depends on it. */
  private void onHealth(JsonObject event) {
    if (earlyHealth != null) {
      earlyHealth.add(event);
      return;
    }
    ServiceKey key = health.apply(event);
    ServiceRoute route = key == null ? null : routes.get(key);
    if (route != null && "state".equals(event.getString("kind")) && "up".equals(event.getString("newState"))
        && "down".equals(event.getString("oldState"))) {
      serverCameBack(key, Endpoint.parse(event.getString("server"), 0)); // slow start on recovery
    }
    if (route != null && early == null) {
      routes.put(key, build(route.service()));
      install();
    }
  }

  private void install() {
    routing.install(new RoutingSnapshot(version, routes, timeouts));
    vertx.eventBus().publish(Addresses.ROUTING, new JsonObject().put("version", version));
    scheduleRamps();
  }

  /** While servers ramp, their routes are rebuilt a few times a second with the growing weight. */
  private void scheduleRamps() {
    long now = clock.getAsLong();
    rampStarts.forEach((key, ramps) -> {
      int window = routes.containsKey(key) ? routes.get(key).service().slowStart() : 0;
      ramps.values().removeIf(start -> now - start >= window * 1000L);
    });
    rampStarts.values().removeIf(Map::isEmpty);
    if (rampStarts.isEmpty() || rampTimer >= 0) {
      return;
    }
    int shortest = rampStarts.keySet().stream().mapToInt(k -> routes.get(k).service().slowStart()).min().orElse(1);
    long tick = Math.max(100, Math.min(1_000, shortest * 1000L / 20));
    rampTimer = vertx.setTimer(tick, id -> {
      rampTimer = -1;
      for (ServiceKey key : List.copyOf(rampStarts.keySet())) {
        routes.put(key, build(routes.get(key).service()));
      }
      install();
    });
  }
}
