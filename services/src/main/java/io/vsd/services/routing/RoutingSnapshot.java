package io.vsd.services.routing;

import io.vsd.services.model.ServiceKey;
import io.vsd.services.model.Timeouts;
import java.util.Map;

/**
 * Everything the data plane needs to schedule connections, at one table version. Immutable: a change builds
 * a new snapshot and swaps it in whole, so a reader never sees half of an edit.
 *
 * @param timeouts the connection timeouts (ipvsadm --set): the TCP data plane closes idle connections with
 *                 {@code tcp} and {@code tcpfin}, a UDP data plane ends idle flows with {@code udp}
 */
public record RoutingSnapshot(long version, Map<ServiceKey, ServiceRoute> routes, Timeouts timeouts) {

  public static final RoutingSnapshot EMPTY = new RoutingSnapshot(0, Map.of());

  public RoutingSnapshot {
    routes = Map.copyOf(routes);
    java.util.Objects.requireNonNull(timeouts, "timeouts");
  }

  /** A snapshot with IPVS's default timeouts. */
  public RoutingSnapshot(long version, Map<ServiceKey, ServiceRoute> routes) {
    this(version, routes, Timeouts.DEFAULT);
  }

  /** The route of a service, or null when the service is gone. */
  public ServiceRoute route(ServiceKey key) {
    return routes.get(key);
  }
}
