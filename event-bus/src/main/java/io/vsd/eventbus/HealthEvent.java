package io.vsd.eventbus;

import io.vertx.core.json.JsonObject;

/**
 * A health transition, published on {@link Addresses#HEALTH} (schema: docs/event-bus.md).
 *
 * <p>Three kinds:
 * <ul>
 *   <li>{@code state}: a real server of a service went {@code up} or {@code down} (from the health verticle);
 *   <li>{@code weight}: a dynamic weight (agent check, exec check with dynamic weights) changed while the state
 *       stayed (from the health verticle);
 *   <li>{@code service}: the service as a whole changed between {@code up}, {@code quorum-lost}, {@code sorry} and
 *       {@code down} (from the scheduling verticle, which owns quorum and the sorry server).
 * </ul>
 *
 * @param kind          {@code state}, {@code weight} or {@code service}
 * @param service       the service key, {@code tcp/10.0.0.1:80}
 * @param server        the real server, {@code 10.0.0.2:80}; null for {@code service} events
 * @param oldState      the state before; null when there was none (a service that just appeared)
 * @param newState      the state now
 * @param reason        why, in words: the last check's message, or what the data plane saw
 * @param latencyMs     how long the check that caused it took; null when no check did (passive, service)
 * @param checker       what checks the server ({@code "http GET http://10.0.0.2:80/health"}), or
 *                      {@code "passive"}, or {@code "scheduler"} for service events
 * @param checkId       identifies the server's effective check configuration; a scheduling verticle applies a
 *                      server event only while the server still has this check
 * @param source        {@code check}, {@code passive} (the data plane's connect failures), {@code shared} (a
 *                      service started using a check that was already running for another service) or
 *                      {@code scheduler}
 * @param weight        the dynamic weight in force (absolute), or null
 * @param weightPercent the dynamic weight in force as a percentage of the configured one, or null; both null: the
 *                      configured weight
 * @param successes     consecutive successful checks at the time of the event
 * @param failures      consecutive failed checks at the time of the event
 * @param director      the director whose probes (or scheduling verticle) saw it
 * @param time          epoch milliseconds
 * @param seq           the publisher's sequence number; grows by one with every event of the health verticle
 */
public record HealthEvent(String kind, String service, String server, String oldState, String newState,
                          String reason, Double latencyMs, String checker, String checkId, String source,
                          Integer weight, Integer weightPercent, int successes, int failures, String director,
                          long time, long seq) {

  public static final String KIND_STATE = "state";
  public static final String KIND_WEIGHT = "weight";
  public static final String KIND_SERVICE = "service";

  public static final String UP = "up";
  public static final String DOWN = "down";
  public static final String QUORUM_LOST = "quorum-lost";
  public static final String SORRY = "sorry";

  public JsonObject toJson() {
    return new JsonObject()
        .put("kind", kind)
        .put("service", service)
        .put("server", server)
        .put("oldState", oldState)
        .put("newState", newState)
        .put("reason", reason)
        .put("latencyMs", latencyMs)
        .put("checker", checker)
        .put("checkId", checkId)
        .put("source", source)
        .put("weight", weight)
        .put("weightPercent", weightPercent)
        .put("successes", successes)
        .put("failures", failures)
        .put("director", director)
        .put("time", time)
        .put("seq", seq);
  }

  public static HealthEvent fromJson(JsonObject json) {
    return new HealthEvent(
        json.getString("kind"),
        json.getString("service"),
        json.getString("server"),
        json.getString("oldState"),
        json.getString("newState"),
        json.getString("reason"),
        json.getDouble("latencyMs"),
        json.getString("checker"),
        json.getString("checkId"),
        json.getString("source"),
        json.getInteger("weight"),
        json.getInteger("weightPercent"),
        json.getInteger("successes", 0),
        json.getInteger("failures", 0),
        json.getString("director"),
        json.getLong("time", 0L),
        json.getLong("seq", 0L));
  }
}
