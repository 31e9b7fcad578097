package io.vsd.services.scheduler;

import io.vsd.services.model.RealServer;
import java.net.InetSocketAddress;

/**
 * A real server inside one routing snapshot: its configuration, its effective weight and its live counts.
 * Immutable but for the counts, which are shared with the server's other snapshots.
 */
public final class Destination {
  private final RealServer server;
  private final int weight;
  private final ConnectionCounts counts;
  private final InetSocketAddress socketAddress;
  private final PassiveHealth passive;

  public Destination(RealServer server, int weight, ConnectionCounts counts) {
    this(server, weight, counts, PassiveHealth.OFF);
  }

  /** The same real server with another effective weight (slow start's ramp). */
  public Destination withWeight(int newWeight) {
    return new Destination(server, newWeight, counts, passive);
  }

  /** With passive detection: {@code passive} is shared by the server's destinations across snapshots. */
  public Destination(RealServer server, int weight, ConnectionCounts counts, PassiveHealth passive) {
    this.server = server;
    this.weight = weight;
    this.counts = counts;
    this.socketAddress = server.endpoint().toSocketAddress();
    this.passive = passive;
  }

  public RealServer server() {
    return server;
  }

  /** The weight schedulers use: the configured one, or less while health or slow start say so. */
  public int weight() {
    return weight;
  }

  public ConnectionCounts counts() {
    return counts;
  }

  public InetSocketAddress socketAddress() {
    return socketAddress;
  }

  /** IPVS's ip_vs_dest_conn_overhead: active connections weigh 256 times more than inactive ones. */
  public int overhead() {
    return counts.overhead();
  }

  /**
   * Available for a new connection: weight above 0, not OVERLOADED, not taken out by passive detection, not
   * already tried for it.
   */
  public boolean available(PickContext context) {
    return weight > 0 && !counts.overloaded() && !passive.down() && !context.excludes(this);
  }

  public PassiveHealth passive() {
    return passive;
  }

  /** The data plane: a connect to this server failed, or it closed a connection before any byte either way. */
  public void reportFailure(Throwable cause) {
    passive.failure(cause);
  }

  /** The data plane: this server sent the first byte of a connection. */
  public void reportSuccess() {
    passive.success();
  }

  /**
   * Whether a persistence template may keep sending its client here. Unlike {@link #available}, a quiescent
   * server (configured weight 0) keeps its sticky clients unless {@code expireQuiescent}; overload does not
   * break persistence, as in IPVS. A server whose weight is 0 for any other reason (health) does not.
   */
  public boolean availableForTemplate(PickContext context, boolean expireQuiescent) {
    if (context.excludes(this) || passive.down()) {
      return false;
    }
    return weight > 0 || (server.weight() == 0 && !expireQuiescent);
  }

  /** Call when a connection to this server starts being opened. */
  public void connectionOpened() {
    counts.opened(server.upper());
  }

  /** Call when one side of an established connection has closed. */
  public void connectionHalfClosed() {
    counts.halfClosed();
  }

  /** Call when the connection is gone; {@code wasActive} is false after {@link #connectionHalfClosed()}. */
  public void connectionClosed(boolean wasActive) {
    counts.closed(wasActive, server.upper(), server.lower());
  }

  boolean sameServer(Destination other) {
    return other.counts == counts;
  }

  @Override
  public String toString() {
    return server.endpoint().toString();
  }
}
