package io.vsd.services.routing;

import io.vsd.services.model.VirtualService;
import io.vsd.services.scheduler.Destination;
import io.vsd.services.scheduler.PickContext;
import io.vsd.services.scheduler.Scheduler;
import java.util.List;

/**
 * One virtual service in a routing snapshot: its configuration, its real servers as {@link Destination}s, and
 * the scheduler bound to them. Immutable; the data plane calls {@link #pick} on every new connection.
 */
public final class ServiceRoute {
  private final VirtualService service;
  private final List<Destination> destinations;
  private final Scheduler scheduler;

  public ServiceRoute(VirtualService service, List<Destination> destinations, Scheduler scheduler) {
    this.service = service;
    this.destinations = List.copyOf(destinations);
    this.scheduler = scheduler;
  }

  public VirtualService service() {
    return service;
  }

  public List<Destination> destinations() {
    return destinations;
  }

  /** The real server for a new connection, or null when none is available. Lock-free. */
  public Destination pick(PickContext context) {
    return scheduler.pick(context);
  }
}
