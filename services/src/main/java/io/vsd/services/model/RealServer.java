package io.vsd.services.model;

/**
 * A real server of a virtual service, as configured.
 *
 * @param endpoint its address and port
 * @param forward  the forwarding method
 * @param weight   0..65535; 0 is quiescent (no new connections, open ones continue)
 * @param upper    connection threshold (-x), 0 = unset
 * @param lower    connection threshold (-y), 0 = unset
 */
public record RealServer(Endpoint endpoint, ForwardingMethod forward, int weight, int upper, int lower) {
  public static final int DEFAULT_WEIGHT = 1;
  public static final int MAX_WEIGHT = 65535;

  public RealServer withWeight(int newWeight) {
    return new RealServer(endpoint, forward, newWeight, upper, lower);
  }
}
