package io.vsd.services.routing;

/**
 * The hand-over point between the scheduling verticle (the only writer) and the data plane (readers on every
 * event loop): a volatile reference to the current immutable snapshot.
 */
public final class RoutingTable {
  private volatile RoutingSnapshot current = RoutingSnapshot.EMPTY;

  public RoutingSnapshot current() {
    return current;
  }

  /** Only the scheduling verticle calls this. */
  public void install(RoutingSnapshot snapshot) {
    current = snapshot;
  }
}
