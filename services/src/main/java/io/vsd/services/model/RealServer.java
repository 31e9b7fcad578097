package io.vsd.services.model;

/**
 * A real server of a virtual service, as configured.
 *
 * @param endpoint its address and port
 * @param forward  the forwarding method
 * @param weight   0..65535; 0 is quiescent (no new connections, open ones continue)
 * @param upper    connection threshold (-x), 0 = unset
 * @param lower    connection threshold (-y), 0 = unset
 * @param check    its own health check, over its service's (docs/health.md); null: the service's
 */
public record RealServer(Endpoint endpoint, ForwardingMethod forward, int weight, int upper, int lower,
                         HealthCheck check) {
  public static final int DEFAULT_WEIGHT = 1;
  public static final int MAX_WEIGHT = 65535;

  /** A real server with its service's health check. */
  public RealServer(Endpoint endpoint, ForwardingMethod forward, int weight, int upper, int lower) {
    this(endpoint, forward, weight, upper, lower, null);
  }

  public RealServer withWeight(int newWeight) {
    return new RealServer(endpoint, forward, newWeight, upper, lower, check);
  }

  public RealServer withCheck(HealthCheck newCheck) {
    return new RealServer(endpoint, forward, weight, upper, lower, newCheck);
  }
}
