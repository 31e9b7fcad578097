package io.vsd.dataplane;

import io.vsd.services.model.Endpoint;
import io.vsd.services.model.ServiceKey;
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
}
