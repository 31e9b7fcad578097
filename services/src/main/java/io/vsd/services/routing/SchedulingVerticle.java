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
import io.vsd.services.model.VirtualService;
import io.vsd.services.scheduler.ConnectionCounts;
import io.vsd.services.scheduler.Destination;
import io.vsd.services.scheduler.Schedulers;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * Turns the service table into routing snapshots. It follows {@link Addresses#CONFIG}, rebuilds the route of
 * each changed service (the others keep their scheduler position), installs the new snapshot in the
 * {@link RoutingTable}, and announces it on {@link Addresses#ROUTING}.
 *
 * <p>It also follows this director's {@link Addresses#HEALTH} events, and rebuilds the route of a service whose
 * real server changed state: {@link HealthRouting} says how (docs/health.md).
 */
public final class SchedulingVerticle extends VerticleBase {
  private final RoutingTable routing;
  private final Map<ServiceKey, ServiceRoute> routes = new LinkedHashMap<>();
  /** Live counts per real server, kept across snapshots so an edit does not reset them. */
  private final Map<ServiceKey, Map<Endpoint, ConnectionCounts>> counts = new HashMap<>();
  private long version = -1;
  /** Changes that arrive before the initial table; applied after it, in order. */
  private List<ConfigChange> early = new ArrayList<>();
  private final String directorId;
  private HealthRouting health;
  /** Health events that arrive before the initial table; applied after it. */
  private List<JsonObject> earlyHealth = new ArrayList<>();

  public SchedulingVerticle(RoutingTable routing) {
    this(routing, null);
  }

  /** @param directorId this director's id, in the service health events it publishes */
  public SchedulingVerticle(RoutingTable routing, String directorId) {
    this.routing = routing;
    this.directorId = directorId;
  }

  @Override
  public Future<?> start() {
    health = new HealthRouting(vertx, directorId);
    MessageConsumer<JsonObject> consumer = vertx.eventBus().consumer(Addresses.CONFIG,
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
          List<ConfigChange> pending = early;
          early = null;
          pending.forEach(this::onChange);
          List<JsonObject> pendingHealth = earlyHealth;
          earlyHealth = null;
          pendingHealth.forEach(this::onHealth);
          install();
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
        health.clear();
      }
      case SERVICE_DELETED -> {
        ServiceKey key = ServiceKey.parse(change.service());
        routes.remove(key);
        counts.remove(key);
        health.forget(key);
      }
      case LOADED -> { }
      default -> {
        VirtualService s = ServiceJson.fromJson(change.state());
        routes.put(s.key(), build(s));
      }
    }
    version = change.version();
    install();
  }

  private ServiceRoute build(VirtualService service) {
    Map<Endpoint, ConnectionCounts> previous = counts.getOrDefault(service.key(), Map.of());
    Map<Endpoint, ConnectionCounts> kept = new HashMap<>();
    List<Destination> destinations = new ArrayList<>();
    for (RealServer r : service.servers()) {
      ConnectionCounts c = previous.getOrDefault(r.endpoint(), new ConnectionCounts());
      kept.put(r.endpoint(), c);
      Destination d = health.destination(service, r, c);
      if (d != null) {
        destinations.add(d);
      }
    }
    counts.put(service.key(), kept);
    destinations = health.withQuorum(service, destinations);
    return new ServiceRoute(service, destinations, health.withSorry(service, destinations,
        Schedulers.create(service.scheduler(), destinations, Set.copyOf(service.flags()))));
  }

  /** A health event: rebuild the route of its service when routing depends on it. */
  private void onHealth(JsonObject event) {
    if (earlyHealth != null) {
      earlyHealth.add(event);
      return;
    }
    ServiceKey key = health.apply(event);
    ServiceRoute route = key == null ? null : routes.get(key);
    if (route != null && early == null) {
      routes.put(key, build(route.service()));
      install();
    }
  }

  private void install() {
    routing.install(new RoutingSnapshot(version, routes));
    vertx.eventBus().publish(Addresses.ROUTING, new JsonObject().put("version", version));
  }
}
