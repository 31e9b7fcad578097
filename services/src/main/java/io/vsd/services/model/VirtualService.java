package io.vsd.services.model;

import java.util.List;
import java.util.Optional;

/**
 * A virtual service as configured: immutable. Real servers keep the order they were added in, which some
 * schedulers depend on ("ties go to the first").
 *
 * @param key         protocol and address:port
 * @param scheduler   the scheduler's name (-s)
 * @param flags       scheduler flags (-b)
 * @param persistence null when the service is not persistent
 * @param ops         one-packet scheduling (-o), UDP only
 * @param servers     real servers in the order they were added
 * @param version     the table version that last changed this service
 * @param health      health checks, sorry server, quorum (docs/health.md)
 */
public record VirtualService(ServiceKey key, String scheduler, List<String> flags, Persistence persistence,
                             boolean ops, List<RealServer> servers, long version, ServiceHealth health) {

  public static final String DEFAULT_SCHEDULER = "wlc";

  public VirtualService {
    flags = List.copyOf(flags);
    servers = List.copyOf(servers);
    health = health == null ? ServiceHealth.NONE : health;
  }

  /** A service without health settings. */
  public VirtualService(ServiceKey key, String scheduler, List<String> flags, Persistence persistence,
                        boolean ops, List<RealServer> servers, long version) {
    this(key, scheduler, flags, persistence, ops, servers, version, ServiceHealth.NONE);
  }

  public VirtualService withHealth(ServiceHealth newHealth) {
    return new VirtualService(key, scheduler, flags, persistence, ops, servers, version, newHealth);
  }

  public Optional<RealServer> server(Endpoint endpoint) {
    return servers.stream().filter(s -> s.endpoint().equals(endpoint)).findFirst();
  }

  public VirtualService withServers(List<RealServer> newServers, long newVersion) {
    return new VirtualService(key, scheduler, flags, persistence, ops, newServers, newVersion, health);
  }

  /** This service's attributes from {@code edit}, keeping this service's real servers. */
  public VirtualService withAttributesOf(VirtualService edit, long newVersion) {
    return new VirtualService(key, edit.scheduler, edit.flags, edit.persistence, edit.ops, servers, newVersion,
        edit.health);
  }
}
