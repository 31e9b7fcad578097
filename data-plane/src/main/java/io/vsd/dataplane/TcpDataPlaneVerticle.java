package io.vsd.dataplane;

import io.netty.bootstrap.ServerBootstrap;
import io.netty.channel.Channel;
import io.netty.channel.ChannelFactory;
import io.netty.channel.ChannelFuture;
import io.netty.channel.ChannelInitializer;
import io.netty.channel.ChannelOption;
import io.netty.channel.group.DefaultChannelGroup;
import io.netty.util.concurrent.ImmediateEventExecutor;
import io.vertx.core.Future;
import io.vertx.core.Promise;
import io.vertx.core.VerticleBase;
import io.vertx.core.eventbus.MessageConsumer;
import io.vertx.core.internal.ContextInternal;
import io.vertx.core.internal.PromiseInternal;
import io.vertx.core.internal.VertxInternal;
import io.vertx.core.json.JsonObject;
import io.vertx.core.spi.transport.Transport;
import io.vsd.eventbus.Addresses;
import io.vsd.eventbus.RoutingApplied;
import io.vsd.services.model.Protocol;
import io.vsd.services.model.ServiceKey;
import io.vsd.services.routing.RoutingSnapshot;
import io.vsd.services.routing.RoutingTable;
import io.vsd.services.routing.ServiceRoute;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.TreeMap;
import java.util.function.UnaryOperator;

/**
 * The TCP data plane: one listening socket per TCP virtual service, and for each accepted connection a
 * connection to a real server chosen by the service's scheduler, with bytes forwarded both ways (masquerading
 * as a user-space proxy).
 *
 * <p>It follows the routing table: on start and on every {@link Addresses#ROUTING} notice it binds the
 * services that are new, closes the listeners of services that are gone (their open connections continue),
 * and publishes {@link RoutingApplied} on {@link Addresses#ROUTING_APPLIED}. A listener that cannot be bound
 * is reported there and in the status, and is tried again with the next routing change. It answers
 * {@link Addresses#DATA_PLANE_STATUS} requests with its listeners and connection counts.
 *
 * <p>Sockets run on Vert.x's own event loops with Vert.x's transport (epoll or NIO). Stop drains: the
 * listeners close at once, open connections continue until they close or the drain timeout passes.
 *
 * <p>Deploy one instance per Vert.x: a second one would find every port taken. Its listeners already spread
 * accepted connections over all of Vert.x's event loops.
 *
 * <p>UDP services are the {@link UdpDataPlaneVerticle}'s: this verticle answers for both ({@link UdpPlane}), so
 * that one {@code vsd.routing.applied} and one status cover the whole data plane.
 */
public final class TcpDataPlaneVerticle extends VerticleBase {
  private static final System.Logger LOG = System.getLogger(TcpDataPlaneVerticle.class.getName());
  private static final long DRAIN_POLL_MS = 50;

  private final RoutingTable routing;
  private final DataPlaneOptions options;
  private final UnaryOperator<ChannelFactory<? extends Channel>> outboundChannels;

  // Owned by this verticle's context.
  private VertxInternal vx;
  private Transport transport;
  private Forwarding forwarding;
  private final TrafficStats stats = new TrafficStats();
  private final Listeners<Channel> listeners;
  private long estimateTimer = -1;

  public TcpDataPlaneVerticle(RoutingTable routing, DataPlaneOptions options) {
    this(routing, options, UnaryOperator.identity());
  }

  /** For tests: {@code outboundChannels} wraps the factory of real-server sockets. */
  TcpDataPlaneVerticle(RoutingTable routing, DataPlaneOptions options,
                       UnaryOperator<ChannelFactory<? extends Channel>> outboundChannels) {
    this.routing = routing;
    this.options = options;
    this.outboundChannels = outboundChannels;
    // Closing a listening socket leaves the connections it accepted open.
    this.listeners = new Listeners<>(Protocol.TCP, routing, stats, LOG, this::bind,
        listener -> Listeners.settled(context(), listener.close()));
  }

  @Override
  public Future<?> start() {
    vx = (VertxInternal) vertx;
    transport = vx.transport();
    ConnectionTable table = new ConnectionTable(vx.nettyEventLoopGroup(), routing, options);
    forwarding = new Forwarding(routing, options, outboundChannels.apply(transport.channelFactory(false)),
        new DefaultChannelGroup("vsd-tcp-connections", ImmediateEventExecutor.INSTANCE), stats, table);
    table.start();
    estimateTimer = vertx.setPeriodic(Counters.ESTIMATE_INTERVAL_MS, id -> stats.estimate());
    // Listen before reading the current snapshot, so that no change falls between the two.
    MessageConsumer<Object> changes = vertx.eventBus().localConsumer(Addresses.ROUTING, m -> applyCurrent());
    MessageConsumer<Object> status = vertx.eventBus().localConsumer(Addresses.DATA_PLANE_STATUS,
        m -> UdpPlane.status(vertx, status()).onSuccess(m::reply));
    MessageConsumer<Object> zero = vertx.eventBus().localConsumer(Addresses.DATA_PLANE_ZERO, m -> {
      String service = m.body() instanceof JsonObject body ? body.getString("service") : null;
      stats.zero(service == null ? null : ServiceKey.parse(service));
      UdpPlane.zero(vertx, m.body()).onComplete(ar -> m.reply(new JsonObject()));
    });
    MessageConsumer<Object> connections = vertx.eventBus().localConsumer(Addresses.DATA_PLANE_CONNECTIONS,
        m -> listConnections(m));
    return Future.all(changes.completion(), status.completion(), zero.completion(), connections.completion())
        .compose(v -> applyCurrent());
  }

  /** Stops accepting at once, then lets open connections finish, for at most the drain timeout. */
  @Override
  public Future<?> stop() {
    vertx.cancelTimer(estimateTimer);
    return listeners.stop()
        .compose(v -> drain())
        .onComplete(ar -> forwarding.table().stop());
  }

  /** The largest listing asked for at once: a bound on the reply's size. */
  static final int MAX_LIST = 100_000;

  /** vsadm -L -c: the live connections, gathered from every event loop without blocking any. */
  private void listConnections(io.vertx.core.eventbus.Message<Object> m) {
    JsonObject body = m.body() instanceof JsonObject b ? b : new JsonObject();
    ServiceKey service;
    try {
      service = body.getString("service") == null ? null : ServiceKey.parse(body.getString("service"));
    } catch (IllegalArgumentException e) {
      m.fail(400, "service: " + e.getMessage());
      return;
    }
    int limit = Math.max(0, Math.min(MAX_LIST, body.getInteger("limit", MAX_LIST)));
    forwarding.table().list(service, limit, context())
        .compose(tcp -> UdpPlane.connections(vertx, service, limit, tcp)) // and the UDP sessions
        .onComplete(ar -> {
      if (ar.succeeded()) {
        m.reply(ar.result());
      } else {
        m.fail(500, String.valueOf(ar.cause()));
      }
    });
  }

  // ---- listeners ----

  private Future<Void> applyCurrent() {
    return listeners.applyCurrent(() -> {
      Map<String, String> udpErrors = new LinkedHashMap<>();
      return UdpPlane.apply(vertx, udpErrors).map(v -> udpErrors);
    }, (snapshot, errors) -> vertx.eventBus().publish(Addresses.ROUTING_APPLIED,
        new RoutingApplied(snapshot.version(), errors).toJson()));
  }

  /** Binds a service's listener on the acceptor loop; its connections spread over all the event loops. */
  private Future<Channel> bind(ServiceKey key) {
    ServerBootstrap server = new ServerBootstrap()
        .group(vx.acceptorEventLoopGroup(), vx.nettyEventLoopGroup())
        .channelFactory(transport.serverChannelFactory(false))
        .option(ChannelOption.SO_BACKLOG, options.backlog())
        .option(ChannelOption.SO_REUSEADDR, true)
        .childOption(ChannelOption.AUTO_READ, false) // TCP_NODELAY is Netty's default (SocketDefaultsTest)
        .childOption(ChannelOption.ALLOW_HALF_CLOSURE, true)
        .childHandler(new ChannelInitializer<>() {
          @Override
          protected void initChannel(Channel ch) {
            forwarding.connections().add(ch);
            ch.pipeline().addLast(new Frontend(forwarding, key));
          }
        });
    ChannelFuture binding = server.bind(key.endpoint().toSocketAddress());
    return Listeners.settled(context(), binding).map(v -> binding.channel());
  }

  // ---- drain ----

  private Future<Void> drain() {
    if (forwarding.connections().isEmpty()) {
      return Future.succeededFuture();
    }
    Promise<Void> drained = Promise.promise();
    long deadline = System.nanoTime() + options.drainTimeout().toNanos();
    LOG.log(System.Logger.Level.INFO, "draining " + forwarding.connections().size() + " sockets for at most "
        + options.drainTimeout());
    vertx.setPeriodic(Math.max(1, Math.min(DRAIN_POLL_MS, options.drainTimeout().toMillis())), id -> {
      if (forwarding.connections().isEmpty()) {
        vertx.cancelTimer(id);
        drained.complete();
      } else if (System.nanoTime() - deadline >= 0) {
        vertx.cancelTimer(id);
        LOG.log(System.Logger.Level.INFO, "drain timeout: closing " + forwarding.connections().size()
            + " sockets still open");
        PromiseInternal<Void> closed = context().promise();
        forwarding.connections().close().addListener(closed);
        closed.onComplete(ar -> drained.complete());
      }
    });
    return drained.future();
  }

  // ---- status ----

  private JsonObject status() {
    RoutingSnapshot snapshot = routing.current();
    JsonObject services = new JsonObject();
    for (ServiceRoute route : new TreeMap<>(snapshot.routes()).values()) {
      ServiceKey key = route.service().key();
      if (key.protocol() != Protocol.TCP) {
        continue;
      }
      services.put(key.toString(), stats.serviceStatus(route, listeners.state(key)));
    }
    return new JsonObject()
        .put("version", snapshot.version())
        .put("transport", transportName(transport))
        .put("services", services);
  }

  /** "epoll", "io_uring", "kqueue" or "nio": the name Vert.x gives the transport it runs on. */
  static String transportName(Transport transport) {
    for (io.vertx.core.transport.Transport known : new io.vertx.core.transport.Transport[] {
        io.vertx.core.transport.Transport.EPOLL, io.vertx.core.transport.Transport.IO_URING,
        io.vertx.core.transport.Transport.KQUEUE, io.vertx.core.transport.Transport.NIO}) {
      // A constant is null when its classes are not on the class path.
      if (known != null && known.implementation() != null
          && known.implementation().getClass() == transport.getClass()) {
        return known.name();
      }
    }
    return transport.getClass().getSimpleName();
  }

  // ---- helpers ----

  private ContextInternal context() {
    return (ContextInternal) context;
  }
}
