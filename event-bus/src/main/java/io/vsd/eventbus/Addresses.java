package io.vsd.eventbus;

/**
 * Every event-bus address vsd uses, in one place. The schemas are in docs/event-bus.md.
 */
public final class Addresses {
  private Addresses() {}

  /** Published: a change to the virtual-service table, with the table version it produced. */
  public static final String CONFIG = "vsd.config";
  /** Published: health transitions of real servers. */
  public static final String HEALTH = "vsd.health";
  /** Published about once a second: each director's counters. */
  public static final String STATS = "vsd.stats";
  /** Published: directors joining and leaving the cluster. */
  public static final String DIRECTORS = "vsd.directors";
  /** Local request/reply: the directors in the cluster now (this one alone when standalone). */
  public static final String DIRECTORS_VIEW = "vsd.directors.view";

  /** Request/reply: commands to the service table (the single writer of the table). */
  public static final String TABLE = "vsd.table";
  /** Local publish: the scheduling verticle swapped in a new routing snapshot. */
  public static final String ROUTING = "vsd.routing";
  /** Local publish: the data plane has applied a routing snapshot (listeners bound or closed). */
  public static final String ROUTING_APPLIED = "vsd.routing.applied";
  /** Local request/reply: the data plane's live view (listeners, connection counts). */
  public static final String DATA_PLANE_STATUS = "vsd.dataplane.status";
  /**
   * Local request/reply: zero the data plane's traffic counters (ipvsadm -Z), all of them or, with
   * {@code {"service": "tcp/10.0.0.1:80"}}, one service's and its real servers'. The reply is {@code {}}.
   */
  public static final String DATA_PLANE_ZERO = "vsd.dataplane.zero";
  /**
   * Local request/reply: the data plane's live connections (vsadm -L -c). The request is
   * {@code {"service": "tcp/10.0.0.1:80", "limit": N}}, both optional; the reply is
   * {@code {"connections": [...], "total": N, "truncated": bool}} (docs/event-bus.md).
   */
  public static final String DATA_PLANE_CONNECTIONS = "vsd.dataplane.connections";
  /**
   * Local request/reply, inside the data plane: the UDP data plane applies the current routing snapshot and
   * replies {@code {"version", "listenerErrors"}}; the TCP data plane asks before it publishes
   * {@link #ROUTING_APPLIED}, so that one notice covers both protocols.
   */
  public static final String DATA_PLANE_UDP_APPLY = "vsd.dataplane.udp.apply";
  /** Local request/reply, inside the data plane: the UDP services' part of {@link #DATA_PLANE_STATUS}. */
  public static final String DATA_PLANE_UDP_STATUS = "vsd.dataplane.udp.status";
  /** Local request/reply, inside the data plane: {@link #DATA_PLANE_ZERO} for the UDP services. */
  public static final String DATA_PLANE_UDP_ZERO = "vsd.dataplane.udp.zero";
  /** Local request/reply, inside the data plane: the UDP sessions' rows of {@link #DATA_PLANE_CONNECTIONS}. */
  public static final String DATA_PLANE_UDP_CONNECTIONS = "vsd.dataplane.udp.connections";
  /** Local request/reply: the health verticle's view of every checked real server (docs/event-bus.md). */
  public static final String HEALTH_STATUS = "vsd.health.status";
  /** Local publish: the data plane took a real server out after consecutive connect failures (passive detection). */
  public static final String HEALTH_PASSIVE = "vsd.health.passive";
}
