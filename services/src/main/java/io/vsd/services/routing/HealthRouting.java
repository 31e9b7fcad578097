package io.vsd.services.routing;

import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.core.eventbus.Message;
import io.vertx.core.json.JsonObject;
import io.vsd.eventbus.Addresses;
import io.vsd.eventbus.HealthEvent;
import io.vsd.services.model.CheckSpec;
import io.vsd.services.model.Endpoint;
import io.vsd.services.model.ForwardingMethod;
import io.vsd.services.model.RealServer;
import io.vsd.services.model.ServiceHealth;
import io.vsd.services.model.ServiceKey;
import io.vsd.services.model.VirtualService;
import io.vsd.services.scheduler.ConnectionCounts;
import io.vsd.services.scheduler.Destination;
import io.vsd.services.scheduler.PassiveHealth;
import io.vsd.services.scheduler.Scheduler;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * The scheduling verticle's view of health (docs/health.md), and what it does to routes: down servers are left out
 * (or kept with weight 0 where the service inhibits), dynamic weights adjust the configured ones, the quorum is
 * kept with its hysteresis, and the sorry server stands behind the real ones. Runs on the scheduling verticle's
 * context only, but for the passive-detection trip callback, which only publishes.
 *
 * <p>A server's health is the last event of the health verticle for its current check ({@code checkId}); with no
 * such event it is the check's initial state (down with alpha, up otherwise), which is what the health verticle
 * starts a new probe with, so both agree without a message.
 */
final class HealthRouting {
  private static final System.Logger LOG = System.getLogger(HealthRouting.class.getName());

  private final Vertx vertx;
  private final String directorId;
  private final Map<ServiceKey, Map<Endpoint, ServerHealth>> health = new HashMap<>();
  private final Map<ServiceKey, Map<Endpoint, PassiveHealth>> passive = new HashMap<>();
  /** Passive settings each PassiveHealth was made for: a change makes a new one. */
  private final Map<PassiveHealth, String> passiveConfig = new HashMap<>();
  private final Map<ServiceKey, Boolean> quorumUp = new HashMap<>();
  private final Map<ServiceKey, String> serviceState = new HashMap<>();
  private final Map<ServiceKey, Destination> sorry = new HashMap<>();
  /** The health verticle's sequence number when its status was read: older events are already in it. */
  private long seenSeq = -1;

  HealthRouting(Vertx vertx, String directorId) {
    this.vertx = vertx;
    this.directorId = directorId;
  }

  /** Reads the health verticle's current view; empty when there is no health verticle. */
  Future<Void> load() {
    return vertx.eventBus().<JsonObject>request(Addresses.HEALTH_STATUS, new JsonObject())
        .map(Message::body)
        .otherwise(e -> {
          LOG.log(System.Logger.Level.DEBUG, "no health verticle answered (" + e.getMessage() + "): every real server"
              + " starts in its check's initial state");
          return new JsonObject();
        })
        .map(status -> {
          seenSeq = status.getLong("seq", -1L);
          JsonObject services = status.getJsonObject("services", new JsonObject());
          for (String service : services.fieldNames()) {
            JsonObject servers = services.getJsonObject(service).getJsonObject("servers", new JsonObject());
            for (String server : servers.fieldNames()) {
              JsonObject s = servers.getJsonObject(server);
              put(ServiceKey.parse(service), Endpoint.parse(server, 0), new ServerHealth(
                  HealthEvent.UP.equals(s.getString("state")), s.getInteger("weight"), s.getInteger("weightPercent"),
                  s.getString("checkId")));
            }
          }
          return null;
        });
  }

  /**
   * Applies a {@code vsd.health} event.
   *
   * @return the service whose route must be rebuilt, or null when nothing changed for routing
   */
  ServiceKey apply(JsonObject json) {
    HealthEvent e = HealthEvent.fromJson(json);
    if (!HealthEvent.KIND_STATE.equals(e.kind()) && !HealthEvent.KIND_WEIGHT.equals(e.kind())) {
      return null; // service events are ours
    }
    if (e.seq() <= seenSeq) {
      return null; // already in the status read at start
    }
    ServiceKey key;
    Endpoint server;
    try {
      key = ServiceKey.parse(e.service());
      server = Endpoint.parse(e.server(), 0);
    } catch (IllegalArgumentException bad) {
      LOG.log(System.Logger.Level.WARNING, "ignored a malformed health event: " + json.encode());
      return null;
    }
    boolean up = HealthEvent.UP.equals(e.newState());
    put(key, server, new ServerHealth(up, e.weight(), e.weightPercent(), e.checkId()));
    if (up) {
      PassiveHealth p = passive.getOrDefault(key, Map.of()).get(server);
      if (p != null) {
        p.clear();
      }
    }
    return key;
  }

  private void put(ServiceKey key, Endpoint server, ServerHealth h) {
    health.computeIfAbsent(key, k -> new HashMap<>()).put(server, h);
  }

  /** The destination of real server {@code r}, or null when it is left out (down, and the service removes). */
  Destination destination(VirtualService service, RealServer r, ConnectionCounts counts) {
    CheckSpec spec = CheckSpec.effective(service.health().check(), r.check());
    if (spec == null) {
      forgetServer(service.key(), r.endpoint());
      return new Destination(r, r.weight(), counts);
    }
    String id = spec.id(r.endpoint());
    Map<Endpoint, ServerHealth> known = health.computeIfAbsent(service.key(), k -> new HashMap<>());
    ServerHealth h = known.get(r.endpoint());
    if (h == null || !id.equals(h.checkId())) {
      h = new ServerHealth(!spec.alpha(), null, null, id);
      known.put(r.endpoint(), h);
    }
    PassiveHealth p = passive(service, r.endpoint(), id);
    if (!h.up()) {
      return service.health().onFailure() == ServiceHealth.OnFailure.INHIBIT ? new Destination(r, 0, counts, p) : null;
    }
    return new Destination(r, h.effectiveWeight(r.weight()), counts, p);
  }

  private PassiveHealth passive(VirtualService service, Endpoint server, String checkId) {
    ServiceHealth.Passive settings = service.health().passive();
    if (!settings.enabled()) {
      Map<Endpoint, PassiveHealth> m = passive.get(service.key());
      if (m != null) {
        passiveConfig.remove(m.remove(server));
      }
      return PassiveHealth.OFF;
    }
    String config = checkId + " " + settings;
    Map<Endpoint, PassiveHealth> m = passive.computeIfAbsent(service.key(), k -> new HashMap<>());
    PassiveHealth p = m.get(server);
    if (p == null || !config.equals(passiveConfig.get(p))) {
      passiveConfig.remove(p);
      String serviceKey = service.key().toString();
      String serverKey = server.toString();
      p = new PassiveHealth(settings.failures(), settings.window(), tripped -> vertx.eventBus().publish(
          Addresses.HEALTH_PASSIVE, new JsonObject()
              .put("service", serviceKey)
              .put("server", serverKey)
              .put("checkId", checkId)
              .put("failures", tripped.threshold())
              .put("windowMs", tripped.window().toMillis())
              .put("error", tripped.lastError())
              .put("time", System.currentTimeMillis())));
      m.put(server, p);
      passiveConfig.put(p, config);
    }
    return p;
  }

  /**
   * The destinations a service's scheduler gets, once each real server's is known: only the sorry server while the
   * quorum is lost (when there is a sorry server). Keeps the quorum's hysteresis, drops what is kept of servers that
   * are gone, and publishes the service's state when it changes.
   */
  List<Destination> withQuorum(VirtualService service, List<Destination> destinations) {
    ServiceKey key = service.key();
    Set<Endpoint> present = new HashSet<>();
    service.servers().forEach(r -> present.add(r.endpoint()));
    health.getOrDefault(key, new HashMap<>()).keySet().retainAll(present);
    Map<Endpoint, PassiveHealth> p = passive.get(key);
    if (p != null) {
      p.entrySet().removeIf(e -> {
        if (!present.contains(e.getKey())) {
          passiveConfig.remove(e.getValue());
          return true;
        }
        return false;
      });
    }

    ServiceHealth h = service.health();
    long healthyWeight = 0;
    for (Destination d : destinations) {
      healthyWeight += d.weight();
    }
    boolean quorum = true;
    if (h.quorum() > 0) {
      Boolean was = quorumUp.get(key);
      if (was == null) {
        quorum = healthyWeight >= h.quorum();
      } else if (was) {
        quorum = healthyWeight >= (long) h.quorum() - h.hysteresis();
      } else {
        quorum = healthyWeight >= (long) h.quorum() + h.hysteresis();
      }
      quorumUp.put(key, quorum);
    } else {
      quorumUp.remove(key);
    }
    Destination sorryServer = sorry(service);
    String state;
    String reason;
    List<Destination> result = destinations;
    if (!quorum) {
      reason = "healthy weight " + healthyWeight + " is below the quorum " + h.quorum()
          + (h.hysteresis() > 0 ? " (hysteresis " + h.hysteresis() + ")" : "");
      if (sorryServer != null) {
        state = HealthEvent.SORRY;
        result = List.of(sorryServer);
      } else {
        state = HealthEvent.QUORUM_LOST;
      }
    } else if (healthyWeight == 0) {
      reason = "no real server is available";
      state = sorryServer != null ? HealthEvent.SORRY : HealthEvent.DOWN;
    } else {
      reason = "healthy weight " + healthyWeight + (h.quorum() > 0 ? ", quorum " + h.quorum() : "");
      state = HealthEvent.UP;
    }
    String before = serviceState.put(key, state);
    if (!state.equals(before) && !(before == null && state.equals(HealthEvent.UP))) {
      LOG.log(System.Logger.Level.INFO, key + ": " + (before == null ? "" : before + " -> ") + state + ": " + reason);
      vertx.eventBus().publish(Addresses.HEALTH, new HealthEvent(HealthEvent.KIND_SERVICE, key.toString(), null,
          before, state, reason, null, "scheduler", null, "scheduler", null, null, 0, 0, directorId,
          System.currentTimeMillis(), 0).toJson());
    }
    return result;
  }

  /** The scheduler, with the sorry server behind it when the service has one and does not already use only it. */
  Scheduler withSorry(VirtualService service, List<Destination> destinations, Scheduler scheduler) {
    Destination sorryServer = sorry(service);
    if (sorryServer == null || (destinations.size() == 1 && destinations.getFirst() == sorryServer)) {
      return scheduler;
    }
    return new SorryFallback(scheduler, sorryServer);
  }

  /** The service's sorry server as a destination of weight 1, the same object (and counts) across snapshots. */
  private Destination sorry(VirtualService service) {
    Endpoint e = service.health().sorry();
    if (e == null) {
      sorry.remove(service.key());
      return null;
    }
    Destination d = sorry.get(service.key());
    if (d == null || !d.server().endpoint().equals(e)) {
      d = new Destination(new RealServer(e, ForwardingMethod.MASQ, 1, 0, 0), 1, new ConnectionCounts());
      sorry.put(service.key(), d);
    }
    return d;
  }

  /** The service is gone. */
  void forget(ServiceKey key) {
    health.remove(key);
    Map<Endpoint, PassiveHealth> p = passive.remove(key);
    if (p != null) {
      p.values().forEach(passiveConfig::remove);
    }
    quorumUp.remove(key);
    serviceState.remove(key);
    sorry.remove(key);
  }

  void clear() {
    for (ServiceKey key : Set.copyOf(serviceState.keySet())) {
      forget(key);
    }
    health.clear();
    passive.clear();
    passiveConfig.clear();
  }

  private void forgetServer(ServiceKey key, Endpoint server) {
    Map<Endpoint, ServerHealth> h = health.get(key);
    if (h != null) {
      h.remove(server);
    }
    Map<Endpoint, PassiveHealth> p = passive.get(key);
    if (p != null) {
      passiveConfig.remove(p.remove(server));
    }
  }
}
