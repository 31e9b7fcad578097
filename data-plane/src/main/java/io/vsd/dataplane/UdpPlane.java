package io.vsd.dataplane;

import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.core.eventbus.DeliveryOptions;
import io.vertx.core.eventbus.Message;
import io.vertx.core.json.JsonObject;
import io.vsd.eventbus.Addresses;
import io.vertx.core.json.JsonArray;
import io.vsd.services.model.Endpoint;
import io.vsd.services.model.ServiceKey;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
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

  /**
   * Adds the UDP sessions to a TCP connection list ({@code {"connections", "total", "truncated"}}), in its order
   * (service, then source) and within {@code limit} rows.
   */
  static Future<JsonObject> connections(Vertx vertx, ServiceKey service, int limit, JsonObject tcp) {
    JsonObject request = new JsonObject().put("limit", limit);
    if (service != null) {
      request.put("service", service.toString());
    }
    return vertx.eventBus().<JsonObject>request(Addresses.DATA_PLANE_UDP_CONNECTIONS, request, LOCAL)
        .map(Message::body)
        .map(udp -> {
          if (udp.getLong("total", 0L) == 0) {
            return tcp;
          }
          List<JsonObject> rows = new ArrayList<>();
          tcp.getJsonArray("connections").forEach(r -> rows.add((JsonObject) r));
          udp.getJsonArray("connections", new JsonArray()).forEach(r -> rows.add((JsonObject) r));
          rows.sort(ORDER);
          long total = tcp.getLong("total", 0L) + udp.getLong("total", 0L);
          List<JsonObject> shown = rows.size() > limit ? rows.subList(0, limit) : rows;
          return new JsonObject().put("connections", new JsonArray(new ArrayList<>(shown))).put("total", total)
              .put("truncated", total > shown.size());
        })
        .otherwise(tcp);
  }

  /** The TCP list's order: by virtual service, then source. */
  private static final Comparator<JsonObject> ORDER = Comparator
      .comparing((JsonObject r) -> ServiceKey.parse(r.getString("service")))
      .thenComparing(UdpPlane::source, Comparator.nullsLast(Comparator.naturalOrder()));

  private static Endpoint source(JsonObject row) {
    try {
      // Not Endpoint.parse: a persistence template's source has port 0.
      String s = row.getString("source");
      int colon = s.lastIndexOf(':');
      String host = s.substring(0, colon);
      if (host.startsWith("[")) {
        host = host.substring(1, host.length() - 1);
      }
      return new Endpoint(java.net.InetAddress.ofLiteral(host), Integer.parseInt(s.substring(colon + 1)));
    } catch (RuntimeException unknown) {
      return null; // a socket whose address was gone when it was listed, as the TCP list sorts it
    }
  }

  static Future<Void> zero(Vertx vertx, Object body) {
    return vertx.eventBus().request(Addresses.DATA_PLANE_UDP_ZERO, body, LOCAL).<Void>mapEmpty().otherwiseEmpty();
  }
}
