package io.vsd.eventbus;

import io.vertx.core.json.JsonObject;

/**
 * A change to the virtual-service table, published on {@link Addresses#CONFIG}.
 *
 * @param version the table version this change produced; versions only grow
 * @param kind    what happened
 * @param service the service key ("tcp/10.0.0.1:80"), or null for {@link Kind#CLEARED} and
 *                {@link Kind#TIMEOUTS_CHANGED}
 * @param state   the service as it is after the change (docs/admin-api.md's Service), or null when it is gone;
 *                for {@link Kind#TIMEOUTS_CHANGED} the timeouts ({@code {"tcp","tcpfin","udp","version"}})
 * @param origin  the director that made the change
 * @param time    epoch milliseconds when the change was made
 */
public record ConfigChange(long version, Kind kind, String service, JsonObject state, String origin, long time) {

  public enum Kind { SERVICE_ADDED, SERVICE_EDITED, SERVICE_DELETED, SERVERS_CHANGED, CLEARED, LOADED, TIMEOUTS_CHANGED }

  public JsonObject toJson() {
    return new JsonObject()
        .put("version", version)
        .put("kind", kind.name().toLowerCase().replace('_', '-'))
        .put("service", service)
        .put("state", state)
        .put("origin", origin)
        .put("time", time);
  }

  public static ConfigChange fromJson(JsonObject json) {
    return new ConfigChange(
        json.getLong("version"),
        Kind.valueOf(json.getString("kind").toUpperCase().replace('-', '_')),
        json.getString("service"),
        json.getJsonObject("state"),
        json.getString("origin"),
        json.getLong("time", 0L));
  }
}
