package io.vsd.services.routing;

import io.vsd.services.model.Endpoint;
import io.vsd.services.model.VirtualService;
import io.vsd.services.persistence.PersistenceTemplate;
import io.vsd.services.persistence.PersistenceTemplates;
import io.vsd.services.scheduler.Destination;
import io.vsd.services.scheduler.PickContext;
import io.vsd.services.scheduler.Scheduler;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * One virtual service in a routing snapshot: its configuration, its real servers as {@link Destination}s, the
 * scheduler bound to them, and for a persistent service its templates. Immutable but for the templates; the
 * data plane calls {@link #pick} on every new connection.
 */
public final class ServiceRoute {
  private final VirtualService service;
  private final List<Destination> destinations;
  private final Scheduler scheduler;
  private final PersistenceTemplates templates;
  private final Map<Endpoint, Destination> byEndpoint = new HashMap<>();

  public ServiceRoute(VirtualService service, List<Destination> destinations, Scheduler scheduler) {
    this(service, destinations, scheduler, null);
  }

  /** @param templates the service's persistence templates, or null when it is not persistent */
  public ServiceRoute(VirtualService service, List<Destination> destinations, Scheduler scheduler,
                      PersistenceTemplates templates) {
    this.service = service;
    this.destinations = List.copyOf(destinations);
    this.scheduler = scheduler;
    this.templates = templates;
    for (Destination d : this.destinations) {
      byEndpoint.put(d.server().endpoint(), d);
    }
  }

  public VirtualService service() {
    return service;
  }

  public List<Destination> destinations() {
    return destinations;
  }

  /** The persistence templates, or null when the service is not persistent. */
  public PersistenceTemplates templates() {
    return templates;
  }

  /**
   * The real server for a new connection, or null when none is available. Lock-free. For a persistent
   * service, a live template wins while its server is still usable (IPVS's ip_vs_sched_persist); otherwise
   * the scheduler picks and the client is pinned to its pick.
   */
  public Destination pick(PickContext context) {
    if (templates == null) {
      return scheduler.pick(context);
    }
    var client = context.client().getAddress();
    PersistenceTemplate t = templates.find(client);
    if (t != null) {
      Destination d = byEndpoint.get(t.server());
      if (d != null && d.availableForTemplate(context, templates.persistence().expireQuiescent())) {
        templates.acquire(t);
        context.holdTemplate(templates, t);
        return d;
      }
    }
    Destination d = scheduler.pick(context);
    if (d != null) {
      context.holdTemplate(templates, templates.bind(client, d.server().endpoint()));
    }
    return d;
  }
}
