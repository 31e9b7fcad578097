package io.vsd.services.routing;

import io.vsd.services.model.ServiceKey;
import java.util.Map;

/**
 * Everything the data plane needs to schedule connections, at one table version. Immutable: a change builds
 * a new snapshot and swaps it in whole, so a reader never sees half of an edit.
 */
public record RoutingSnapshot(long version, Map<ServiceKey, ServiceRoute> routes) {

  public static final RoutingSnapshot EMPTY = new RoutingSnapshot(0, Map.of());

  public RoutingSnapshot {
    routes = Map.copyOf(routes);
  }

  /** The route of a service, or null when the service is gone. */
  public ServiceRoute route(ServiceKey key) {
    return routes.get(key);
  }
}
