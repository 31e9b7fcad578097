package io.vsd.dataplane;

import io.netty.bootstrap.Bootstrap;
import io.netty.channel.Channel;
import io.netty.channel.ChannelFuture;
import io.netty.channel.ChannelOption;
import io.netty.channel.EventLoop;
import io.netty.channel.FixedRecvByteBufAllocator;
import io.vertx.core.Future;
import io.vertx.core.VerticleBase;
import io.vertx.core.eventbus.MessageConsumer;
import io.vertx.core.internal.ContextInternal;
import io.vertx.core.internal.PromiseInternal;
import io.vertx.core.internal.VertxInternal;
import io.vertx.core.json.JsonObject;
import io.vertx.core.spi.transport.Transport;
import io.vsd.eventbus.Addresses;
import io.vsd.services.model.Protocol;
import io.vsd.services.model.ServiceKey;
import io.vsd.services.routing.RoutingSnapshot;
import io.vsd.services.routing.RoutingTable;
import io.vsd.services.routing.ServiceRoute;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;

/**
 * The UDP data plane: one datagram socket per UDP virtual service, bound to the service address, and for each
 * client a session with a real server chosen by the service's scheduler (docs/architecture.md, "How a datagram
 * flows").
 *
 * <p>It follows the routing table as the TCP data plane does: on start, on every {@link Addresses#ROUTING} notice
 * and when the TCP data plane asks ({@link Addresses#DATA_PLANE_UDP_APPLY}), it binds the services that are new
 * and closes those that are gone, with their sessions. The TCP data plane, which answers for the whole data
 * plane, asks it for its listener errors before it publishes {@code vsd.routing.applied}, for its services'
 * status ({@link Addresses#DATA_PLANE_UDP_STATUS}) and to zero its counters ({@link Addresses#DATA_PLANE_UDP_ZERO}).
 *
 * <p>Sockets run on Vert.x's own event loops with Vert.x's transport (epoll, or NIO where the native library
 * does not load). A service's socket and all its sessions' sockets share one event loop: no locks. Deploy one
 * instance per Vert.x, before the TCP data plane.
 */
public final class UdpDataPlaneVerticle extends VerticleBase {
  private static final System.Logger LOG = System.getLogger(UdpDataPlaneVerticle.class.getName());

  private final RoutingTable routing;
  private final UdpOptions options;

  // Owned by this verticle's context.
  private VertxInternal vx;
  private UdpForwarding forwarding;
  private final TrafficStats stats = new TrafficStats();
  private final Map<EventLoop, UdpSessionTable> tables = new HashMap<>();
  private final Listeners<Bound> listeners;
  private Map<String, String> appliedErrors = Map.of();
  private long estimateTimer = -1;

  /** A service's socket and its handler. */
  private record Bound(Channel channel, UdpListener listener) {}

  public UdpDataPlaneVerticle(RoutingTable routing, UdpOptions options) {
    this.routing = routing;
    this.options = options;
    // Closing a service's socket closes its sessions with it.
    this.listeners = new Listeners<>(Protocol.UDP, routing, stats, LOG, this::bind,
        b -> Listeners.settled(context(), b.channel().close()));
  }

  /**
   * The udp timeout ({@code ipvsadm --set}): how long a session lives after its last datagram. Read from the
   * current snapshot at each sweep, so a change applies to open sessions too.
   */
  Duration sessionTimeout() {
    return Duration.ofSeconds(routing.current().timeouts().udp());
  }

  @Override
  public Future<?> start() {
    vx = (VertxInternal) vertx;
    Transport transport = vx.transport();
    forwarding = new UdpForwarding(routing, transport::datagramChannel, stats, () -> sessionTimeout().toNanos(),
        options.maxSessions());
    estimateTimer = vertx.setPeriodic(Counters.ESTIMATE_INTERVAL_MS, id -> stats.estimate());
    var bus = vertx.eventBus();
    // Listen before reading the current snapshot, so that no change falls between the two.
    MessageConsumer<Object> changes = bus.localConsumer(Addresses.ROUTING, m -> applyCurrent());
    MessageConsumer<Object> apply = bus.localConsumer(Addresses.DATA_PLANE_UDP_APPLY, m -> applyCurrent()
        .onComplete(ar -> m.reply(new JsonObject()
            .put("version", listeners.applied() == null ? 0 : listeners.applied().version())
            .put("listenerErrors", new JsonObject(new LinkedHashMap<>(appliedErrors))))));
    MessageConsumer<Object> status = bus.localConsumer(Addresses.DATA_PLANE_UDP_STATUS, m -> m.reply(status()));
    MessageConsumer<Object> zero = bus.localConsumer(Addresses.DATA_PLANE_UDP_ZERO, m -> {
      String service = m.body() instanceof JsonObject body ? body.getString("service") : null;
      stats.zero(service == null ? null : ServiceKey.parse(service));
      m.reply(new JsonObject());
    });
    MessageConsumer<JsonObject> connections = bus.localConsumer(Addresses.DATA_PLANE_UDP_CONNECTIONS,
        m -> listSessions(m.body()).onComplete(ar -> m.reply(ar.succeeded() ? ar.result() : new JsonObject())));
    return Future.all(List.of(changes.completion(), apply.completion(), status.completion(), zero.completion(),
            connections.completion()))
        .compose(v -> applyCurrent());
  }

  /** Closes every socket at once: a UDP session has no end to wait for, and its replies need the service socket. */
  @Override
  public Future<?> stop() {
    vertx.cancelTimer(estimateTimer);
    return listeners.stop(() -> {
      for (UdpSessionTable t : tables.values()) {
        try {
          t.loop().execute(t::stop);
        } catch (java.util.concurrent.RejectedExecutionException e) {
          // The event loop is already shutting down: its sockets close with it.
        }
      }
    });
  }

  // ---- listeners ----

  private Future<Void> applyCurrent() {
    return listeners.applyCurrent(() -> Future.succeededFuture(Map.of()),
        (snapshot, errors) -> appliedErrors = errors);
  }

  /** Binds a service's socket on one of Vert.x's event loops, which its sessions share. */
  private Future<Bound> bind(ServiceKey key) {
    EventLoop loop = vx.nettyEventLoopGroup().next();
    UdpSessionTable table = tables.computeIfAbsent(loop, l -> new UdpSessionTable(l, forwarding));
    UdpListener listener = new UdpListener(forwarding, key, table);
    var address = key.endpoint().toSocketAddress();
    // No SO_REUSEADDR: a second socket on the same address must fail here, not share the datagrams.
    ChannelFuture binding = new Bootstrap()
        .group(loop)
        .channelFactory(() -> forwarding.newChannel(address.getAddress()))
        .option(ChannelOption.RCVBUF_ALLOCATOR, new FixedRecvByteBufAllocator(UdpForwarding.MAX_DATAGRAM))
        .handler(listener)
        .bind(address);
    return Listeners.settled(context(), binding).map(v -> new Bound(binding.channel(), listener));
  }

  // ---- vsadm -L -c ----

  /**
   * The sessions as connection rows: {@code {"connections": [...], "total": N}}, at most {@code limit} rows of
   * {@code service}; gathered on each event loop, without blocking any.
   */
  private Future<JsonObject> listSessions(JsonObject body) {
    ServiceKey service = body == null || body.getString("service") == null ? null
        : ServiceKey.parse(body.getString("service"));
    int limit = body == null ? Integer.MAX_VALUE : Math.max(0, body.getInteger("limit", Integer.MAX_VALUE));
    List<Future<JsonObject>> parts = new ArrayList<>();
    for (UdpSessionTable t : tables.values()) {
      PromiseInternal<JsonObject> part = context().promise();
      try {
        t.loop().execute(() -> {
          List<JsonObject> rows = new ArrayList<>();
          int matched = t.list(service, limit, rows);
          part.complete(new JsonObject().put("rows", new io.vertx.core.json.JsonArray(new ArrayList<>(rows)))
              .put("matched", matched));
        });
      } catch (java.util.concurrent.RejectedExecutionException e) {
        part.complete(new JsonObject().put("rows", new io.vertx.core.json.JsonArray()).put("matched", 0));
      }
      parts.add(part.future());
    }
    return Future.all(parts).map(all -> {
      io.vertx.core.json.JsonArray rows = new io.vertx.core.json.JsonArray();
      long total = 0;
      for (int i = 0; i < all.size(); i++) {
        JsonObject p = all.resultAt(i);
        p.getJsonArray("rows").forEach(rows::add);
        total += p.getInteger("matched");
      }
      return new JsonObject().put("connections", rows).put("total", total);
    });
  }

  // ---- status ----

  /**
   * The UDP services, in the layout of the TCP data plane's status ({@code services}), each with its sessions and
   * evictions under {@code udp}; and the director-wide session table under {@code udp}.
   */
  private JsonObject status() {
    RoutingSnapshot snapshot = routing.current();
    JsonObject services = new JsonObject();
    for (ServiceRoute route : new TreeMap<>(snapshot.routes()).values()) {
      ServiceKey key = route.service().key();
      if (key.protocol() != Protocol.UDP) {
        continue;
      }
      Bound b = listeners.socket(key);
      UdpListener l = b == null ? null : b.listener();
      services.put(key.toString(), stats.serviceStatus(route, listeners.state(key)).put("udp", new JsonObject()
          .put("sessions", l == null ? 0 : l.sessionCount())
          .put("evicted", l == null ? 0 : l.evictedCount())));
    }
    return new JsonObject()
        .put("version", snapshot.version())
        .put("services", services)
        .put("udp", new JsonObject()
            .put("sessions", forwarding.sessions())
            .put("maxSessions", forwarding.maxSessions())
            .put("evicted", forwarding.evictedCount())
            .put("dropped", forwarding.droppedCount())
            .put("timeout", sessionTimeout().toMillis() / 1000.0));
  }

  // ---- helpers ----

  private ContextInternal context() {
    return (ContextInternal) context;
  }
}
