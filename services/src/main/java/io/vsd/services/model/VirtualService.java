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
 * @param slowStart   seconds over which a real server that was just added or came back ramps up to its
 *                    weight (HAProxy's slowstart); 0 = off
 * @param servers     real servers in the order they were added
 * @param version     the table version that last changed this service
 * @param mhTableSize       the Maglev table size of the mh and chb schedulers, a prime in 251..131071
 * @param hashBalanceFactor chb's bound on a server's load, in percent of the average (100 or more)
 * @param health      health checks, sorry server, quorum (docs/health.md)
 */
public record VirtualService(ServiceKey key, String scheduler, List<String> flags, Persistence persistence,
                             boolean ops, int slowStart, List<RealServer> servers, long version,
                             int mhTableSize, int hashBalanceFactor, ServiceHealth health) {

  public static final String DEFAULT_SCHEDULER = "wlc";
  /** The kernel's default Maglev table size. */
  public static final int DEFAULT_MH_TABLE_SIZE = 4093;
  /** 125 %: HAProxy calls 125–200 % sensible. */
  public static final int DEFAULT_HASH_BALANCE_FACTOR = 125;

  public VirtualService {
    flags = List.copyOf(flags);
    servers = List.copyOf(servers);
    health = health == null ? ServiceHealth.NONE : health;
  }

  /** A service with the default scheduler options, no slow start and no health settings. */
  public VirtualService(ServiceKey key, String scheduler, List<String> flags, Persistence persistence,
                        boolean ops, List<RealServer> servers, long version) {
    this(key, scheduler, flags, persistence, ops, 0, servers, version, DEFAULT_MH_TABLE_SIZE,
        DEFAULT_HASH_BALANCE_FACTOR, ServiceHealth.NONE);
  }

  public VirtualService withHealth(ServiceHealth newHealth) {
    return new VirtualService(key, scheduler, flags, persistence, ops, slowStart, servers, version, mhTableSize,
        hashBalanceFactor, newHealth);
  }

  public Optional<RealServer> server(Endpoint endpoint) {
    return servers.stream().filter(s -> s.endpoint().equals(endpoint)).findFirst();
  }

  public VirtualService withServers(List<RealServer> newServers, long newVersion) {
    return new VirtualService(key, scheduler, flags, persistence, ops, slowStart, newServers, newVersion, mhTableSize,
        hashBalanceFactor, health);
  }

  /** This service's attributes from {@code edit}, keeping this service's real servers. */
  public VirtualService withAttributesOf(VirtualService edit, long newVersion) {
    return new VirtualService(key, edit.scheduler, edit.flags, edit.persistence, edit.ops, edit.slowStart, servers,
        newVersion, edit.mhTableSize, edit.hashBalanceFactor, edit.health);
  }
}
