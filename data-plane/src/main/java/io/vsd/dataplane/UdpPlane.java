package io.vsd.dataplane;

import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.core.eventbus.DeliveryOptions;
import io.vertx.core.eventbus.Message;
import io.vertx.core.json.JsonObject;
import io.vsd.eventbus.Addresses;
import java.util.Map;

/**
 * How the TCP data plane, which answers for the whole data plane, reaches the UDP one
 * ({@link UdpDataPlaneVerticle}). Without a UDP data plane deployed every answer is empty.
 */
final class UdpPlane {
  private static final DeliveryOptions LOCAL = new DeliveryOptions().setLocalOnly(true).setSendTimeout(10_000);

  private UdpPlane() {}

  /** Has the UDP data plane apply the current snapshot; merges its listener errors into {@code errors}. */
  static Future<Void> apply(Vertx vertx, Map<String, String> errors) {
    return vertx.eventBus().<JsonObject>request(Addresses.DATA_PLANE_UDP_APPLY, new JsonObject(), LOCAL)
        .map(Message::body)
        .<Void>map(reply -> {
          reply.getJsonObject("listenerErrors", new JsonObject()).forEach(e -> errors.put(e.getKey(), String.valueOf(e.getValue())));
          return null;
        })
        .otherwiseEmpty();
  }

  /** Adds the UDP services to a TCP status ({@code services}) and the session table ({@code udp}). */
  static Future<JsonObject> status(Vertx vertx, JsonObject tcp) {
    return vertx.eventBus().<JsonObject>request(Addresses.DATA_PLANE_UDP_STATUS, new JsonObject(), LOCAL)
        .map(Message::body)
        .map(udp -> {
          JsonObject services = tcp.getJsonObject("services");
          udp.getJsonObject("services", new JsonObject()).forEach(e -> services.put(e.getKey(), e.getValue()));
          return tcp.put("udp", udp.getJsonObject("udp"));
        })
        .otherwise(tcp);
  }

  static Future<Void> zero(Vertx vertx, Object body) {
    return vertx.eventBus().request(Addresses.DATA_PLANE_UDP_ZERO, body, LOCAL).<Void>mapEmpty().otherwiseEmpty();
  }
}
