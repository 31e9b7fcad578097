package io.vsd.admin.http;

import io.vertx.core.Vertx;
import io.vertx.ext.bridge.BridgeEventType;
import io.vertx.ext.bridge.PermittedOptions;
import io.vertx.ext.web.Router;
import io.vertx.ext.web.handler.sockjs.SockJSBridgeOptions;
import io.vertx.ext.web.handler.sockjs.SockJSHandler;
import io.vertx.ext.web.handler.sockjs.SockJSHandlerOptions;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;

/**
 * The SockJS event-bus bridge at {@code /eventbus} (docs/monitoring.md): a browser or any SockJS / raw-WebSocket
 * client can register for the published status addresses ({@code vsd.config}, {@code vsd.health},
 * {@code vsd.stats}, {@code vsd.directors}) and nothing else. No inbound address is permitted, so a client's
 * {@code send} or {@code publish} is refused with {@code access_denied}, and so is a {@code register} for any
 * other address: the table, the data plane and the health verticle cannot be reached through it.
 */
final class EventBusBridge {
  /** Handlers one socket may register: one per status address, with room for a client that re-registers. */
  static final int MAX_HANDLERS_PER_SOCKET = 16;

  final AtomicInteger sockets = new AtomicInteger();
  final AtomicLong refused = new AtomicLong();

  private EventBusBridge() {}

  /** A bridge's router (mount it with {@code subRouter} at /eventbus/*) and the counters it keeps. */
  record Mounted(Router router, EventBusBridge bridge) {}

  static Mounted create(Vertx vertx) {
    EventBusBridge bridge = new EventBusBridge();
    SockJSBridgeOptions options = new SockJSBridgeOptions()
        .setMaxHandlersPerSocket(MAX_HANDLERS_PER_SOCKET)
        .setMaxAddressLength(64);
    for (String address : EventStream.TOPICS.values()) {
      options.addOutboundPermitted(new PermittedOptions().setAddress(address));
    }
    // No inbound permitted at all: the bridge refuses every send and publish from a client.
    Router router = SockJSHandler.create(vertx, new SockJSHandlerOptions()).bridge(options, event -> {
      if (event.type() == BridgeEventType.SOCKET_CREATED) {
        bridge.sockets.incrementAndGet();
      } else if (event.type() == BridgeEventType.SOCKET_CLOSED) {
        bridge.sockets.decrementAndGet();
      } else if (event.type() == BridgeEventType.SEND || event.type() == BridgeEventType.PUBLISH) {
        // No inbound address is permitted: the bridge answers access_denied after this hook. Counted here.
        bridge.refused.incrementAndGet();
      } else if (event.type() == BridgeEventType.REGISTER) {
        String address = event.getRawMessage() == null ? null : event.getRawMessage().getString("address");
        if (!EventStream.TOPICS.containsValue(address)) {
          bridge.refused.incrementAndGet();
        }
      }
      event.complete(true);
    });
    return new Mounted(router, bridge);
  }
}
