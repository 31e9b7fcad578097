package io.vsd.eventbus;

import io.vertx.core.json.JsonObject;
import java.util.Map;

/**
 * Published locally on {@link Addresses#ROUTING_APPLIED} once the data plane runs on a routing snapshot:
 * from then on every new connection is scheduled with that table version.
 *
 * @param version        the table version now in force
 * @param listenerErrors service key to the reason its listener could not be bound (empty when all are up)
 */
public record RoutingApplied(long version, Map<String, String> listenerErrors) {

  public JsonObject toJson() {
    return new JsonObject().put("version", version).put("listenerErrors", new JsonObject(Map.copyOf(listenerErrors)));
  }

  public static RoutingApplied fromJson(JsonObject json) {
    JsonObject errors = json.getJsonObject("listenerErrors", new JsonObject());
    java.util.Map<String, String> map = new java.util.LinkedHashMap<>();
    errors.forEach(e -> map.put(e.getKey(), String.valueOf(e.getValue())));
    return new RoutingApplied(json.getLong("version"), map);
  }
}
