package io.vsd.dataplane;

import io.vertx.core.json.JsonObject;
import io.vsd.services.model.Endpoint;
import io.vsd.services.model.ServiceKey;
import io.vsd.services.routing.ServiceRoute;
import io.vsd.services.scheduler.Destination;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;

/**
 * The {@link Counters} of every virtual service and real server of one data plane. A connection looks its two up
 * once, when it is established; its reads then add to them directly. Services and real servers that leave the
 * table lose their counters (as in IPVS); connections still open to them count on into counters no one reads.
 */
final class TrafficStats {
  /** A service's own counters, and its real servers'. */
  record ServiceCounters(Counters total, Map<Endpoint, Counters> servers) {}

  private final Map<ServiceKey, ServiceCounters> services = new ConcurrentHashMap<>();
  /** Each service's pick latency; replaced by the control plane only, when the service's scheduler changes. */
  private final Map<ServiceKey, PickLatency> picks = new ConcurrentHashMap<>();

  ServiceCounters service(ServiceKey key) {
    return services.computeIfAbsent(key, k -> new ServiceCounters(new Counters(), new ConcurrentHashMap<>()));
  }

  Counters server(ServiceCounters service, Endpoint server) {
    return service.servers().computeIfAbsent(server, e -> new Counters());
  }

  /**
   * The pick latency of a service whose scheduler is {@code scheduler}: the one recorded so far, or a new one when
   * the service is new or its scheduler has changed. The control plane's, once per applied snapshot.
   */
  void schedulerOf(ServiceKey key, String scheduler) {
    PickLatency p = picks.get(key);
    if (p == null || !p.scheduler().equals(scheduler)) {
      picks.put(key, new PickLatency(scheduler));
    }
  }

  /**
   * Where a pick of {@code scheduler} for {@code key} is recorded; null while the control plane has not caught up
   * with the route (a connection that read the route just before or after a scheduler change), so that no pick is
   * counted under another scheduler's name. No allocation.
   */
  PickLatency picks(ServiceKey key, String scheduler) {
    PickLatency p = picks.get(key);
    return p != null && p.scheduler().equals(scheduler) ? p : null;
  }

  /** A service's pick latency, for the status; null for a service the data plane does not serve. */
  PickLatency findPicks(ServiceKey key) {
    return picks.get(key);
  }

  /** Drops the counters of services and real servers that are no longer in the table. */
  void retain(Map<ServiceKey, Set<Endpoint>> present) {
    picks.keySet().retainAll(present.keySet());
    services.keySet().retainAll(present.keySet());
    services.forEach((key, s) -> s.servers().keySet().retainAll(present.get(key)));
  }

  /** One step of the estimator for every counter. */
  void estimate() {
    services.values().forEach(s -> {
      s.total().estimate();
      s.servers().values().forEach(Counters::estimate);
    });
  }

  /** ipvsadm -Z: every counter, or those of {@code key} and its real servers. */
  void zero(ServiceKey key) {
    services.forEach((k, s) -> {
      if (key == null || key.equals(k)) {
        s.total().zero();
        s.servers().values().forEach(Counters::zero);
      }
    });
  }

  /** The counters of a service; null for one that has had no connection yet. */
  Counters find(ServiceKey key) {
    ServiceCounters s = services.get(key);
    return s == null ? null : s.total();
  }

  Counters find(ServiceKey key, Endpoint server) {
    ServiceCounters s = services.get(key);
    return s == null ? null : s.servers().get(server);
  }

  /**
   * A virtual service's part of the data plane's status (docs/event-bus.md, DataPlaneStatus): its listener,
   * live counts, counters and rates, each real server's (also those health checking took out of the route),
   * and its pick latencies. The TCP and the UDP data plane report their services alike.
   */
  JsonObject serviceStatus(ServiceRoute route, String listener) {
    ServiceKey key = route.service().key();
    int active = 0;
    int inactive = 0;
    JsonObject servers = new JsonObject();
    Map<Endpoint, Integer> persistent = route.templates() == null ? Map.of() : route.templates().countsByServer();
    for (Destination d : route.destinations()) {
      int a = d.counts().active();
      int i = d.counts().inactive();
      active += a;
      inactive += i;
      servers.put(d.server().endpoint().toString(), new JsonObject().put("activeConns", a).put("inactConns", i)
          .put("persistConns", persistent.getOrDefault(d.server().endpoint(), 0))
          .put("weight", d.weight()));
    }
    // Traffic counters for every configured real server, also those health checking took out of the route.
    for (var r : route.service().servers()) {
      String endpoint = r.endpoint().toString();
      JsonObject server = servers.getJsonObject(endpoint);
      if (server == null) {
        server = new JsonObject().put("activeConns", 0).put("inactConns", 0);
        servers.put(endpoint, server);
      }
      Counters c = find(key, r.endpoint());
      server.put("stats", c == null ? new Counters().statsJson() : c.statsJson())
          .put("rates", c == null ? new Counters().ratesJson() : c.ratesJson());
    }
    Counters total = find(key);
    PickLatency picks = findPicks(key);
    JsonObject serviceStatus = new JsonObject()
        .put("listener", listener)
        .put("activeConns", active)
        .put("inactConns", inactive)
        .put("stats", total == null ? new Counters().statsJson() : total.statsJson())
        .put("rates", total == null ? new Counters().ratesJson() : total.ratesJson())
        .put("servers", servers);
    if (picks != null) {
      serviceStatus.put("picks", picks.json());
    }
    return serviceStatus;
  }
}
