package io.vsd.dataplane;

import io.vertx.core.Future;
import io.vertx.core.internal.ContextInternal;
import io.vertx.core.internal.PromiseInternal;
import io.vsd.services.model.Endpoint;
import io.vsd.services.model.Protocol;
import io.vsd.services.model.ServiceKey;
import io.vsd.services.routing.RoutingSnapshot;
import io.vsd.services.routing.RoutingTable;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import java.util.function.BiConsumer;
import java.util.function.Function;
import java.util.function.Supplier;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * The listening sockets of one protocol's virtual services, kept in step with the routing table: binds the
 * services that are new, closes those that are gone, and tries a failed bind again with the next snapshot. The
 * TCP and UDP data planes each keep one, given how their protocol binds and closes a socket.
 *
 * <p>Owned by its verticle's context: every method runs there, and so must the futures of bind and close.
 */
final class Listeners<B> {
  /** Netty's native errors: "bind(..) failed with error(-98): Address already in use". */
  private static final Pattern NATIVE_ERROR = Pattern.compile("^\\w+\\(\\.\\.\\) failed(?: with error\\(-?\\d+\\))?: (.+)$");

  /** A virtual service's socket, or why it could not be bound. */
  private record Listener<B>(B socket, String error) {}

  private final Protocol protocol;
  private final RoutingTable routing;
  private final TrafficStats stats;
  private final System.Logger log;
  private final Function<ServiceKey, Future<B>> bind;
  private final Function<B, Future<Void>> close;
  private final Map<ServiceKey, Listener<B>> listeners = new HashMap<>();
  private RoutingSnapshot applied;
  /** Snapshots are applied one after another: each waits until the binds of the one before have settled. */
  private Future<Void> applying = Future.succeededFuture();
  private boolean stopping;

  /**
   * {@code bind} binds a service's socket and succeeds with what the verticle keeps of it, or fails with why not;
   * {@code close} closes such a socket and completes once it is closed.
   */
  Listeners(Protocol protocol, RoutingTable routing, TrafficStats stats, System.Logger log,
            Function<ServiceKey, Future<B>> bind, Function<B, Future<Void>> close) {
    this.protocol = protocol;
    this.routing = routing;
    this.stats = stats;
    this.log = log;
    this.bind = bind;
    this.close = close;
  }

  /**
   * Applies the routing table's current snapshot once the one before has settled, unless it is applied already
   * or the listeners are stopping. {@code others} starts while the binds settle and is awaited with them: its
   * errors come first in the ones {@code done} is given with the snapshot, then this protocol's bind errors.
   */
  Future<Void> applyCurrent(Supplier<Future<Map<String, String>>> others,
                            BiConsumer<RoutingSnapshot, Map<String, String>> done) {
    applying = applying.transform(ar -> stopping ? Future.succeededFuture() : apply(routing.current(), others, done));
    return applying;
  }

  private Future<Void> apply(RoutingSnapshot snapshot, Supplier<Future<Map<String, String>>> others,
                             BiConsumer<RoutingSnapshot, Map<String, String>> done) {
    if (snapshot == applied) {
      return Future.succeededFuture();
    }
    TreeSet<ServiceKey> wanted = new TreeSet<>();
    for (ServiceKey key : snapshot.routes().keySet()) {
      if (key.protocol() == protocol) {
        wanted.add(key);
      }
    }
    // Before any socket is bound, so that a service's first connection or session is timed under its scheduler.
    for (ServiceKey key : wanted) {
      stats.schedulerOf(key, snapshot.routes().get(key).service().scheduler());
    }
    List<Future<?>> settling = new ArrayList<>();
    for (Iterator<Map.Entry<ServiceKey, Listener<B>>> it = listeners.entrySet().iterator(); it.hasNext(); ) {
      Map.Entry<ServiceKey, Listener<B>> e = it.next();
      if (!wanted.contains(e.getKey())) {
        it.remove();
        if (e.getValue().socket() != null) {
          settling.add(close.apply(e.getValue().socket()));
        }
      }
    }
    for (ServiceKey key : wanted) {
      Listener<B> l = listeners.get(key);
      if (l == null || l.socket() == null) {
        settling.add(bind(key));
      }
    }
    Map<ServiceKey, Set<Endpoint>> present = new HashMap<>();
    for (ServiceKey key : wanted) {
      Set<Endpoint> servers = new HashSet<>();
      snapshot.routes().get(key).service().servers().forEach(r -> servers.add(r.endpoint()));
      present.put(key, servers);
    }
    stats.retain(present);
    Future<Map<String, String>> otherErrors = others.get();
    settling.add(otherErrors);
    return Future.join(settling).transform(ar -> {
      applied = snapshot;
      Map<String, String> errors = new LinkedHashMap<>(otherErrors.succeeded() ? otherErrors.result() : Map.of());
      for (ServiceKey key : wanted) {
        Listener<B> l = listeners.get(key);
        if (l != null && l.error() != null) {
          errors.put(key.toString(), l.error());
        }
      }
      done.accept(snapshot, errors);
      return Future.succeededFuture();
    });
  }

  /** Binds a service's socket; the future always succeeds, a failure is recorded in its listener. */
  private Future<Void> bind(ServiceKey key) {
    return bind.apply(key).transform(ar -> {
      if (ar.succeeded()) {
        listeners.put(key, new Listener<>(ar.result(), null));
      } else {
        String error = reason(ar.cause());
        log.log(System.Logger.Level.WARNING, "cannot listen for " + key + ": " + error);
        listeners.put(key, new Listener<>(null, error));
      }
      return Future.succeededFuture();
    });
  }

  /**
   * Applies no more snapshots; once the one under way has settled, closes every socket and runs
   * {@code alongside}. Completes when the sockets have closed.
   */
  Future<Void> stop(Runnable alongside) {
    stopping = true;
    return applying.transform(ar -> {
      List<Future<Void>> closing = new ArrayList<>();
      for (Listener<B> l : listeners.values()) {
        if (l.socket() != null) {
          closing.add(close.apply(l.socket()));
        }
      }
      listeners.clear();
      alongside.run();
      return Future.join(closing).mapEmpty();
    });
  }

  /** {@link #stop(Runnable)} with nothing alongside. */
  Future<Void> stop() {
    return stop(() -> { });
  }

  /** The last snapshot applied, or null before the first. */
  RoutingSnapshot applied() {
    return applied;
  }

  /** The service's socket, or null where it is not bound. */
  B socket(ServiceKey key) {
    Listener<B> l = listeners.get(key);
    return l == null ? null : l.socket();
  }

  /** The status's "listener": listening, error: why, pending (not tried yet) or closed (stopping). */
  String state(ServiceKey key) {
    Listener<B> l = listeners.get(key);
    return l == null ? (stopping ? "closed" : "pending") : l.socket() != null ? "listening" : "error: " + l.error();
  }

  /**
   * The operating system's words, the same on every transport: epoll's "bind(..) failed with error(-98):
   * Address already in use" and NIO's "Address already in use" both give the latter.
   */
  static String reason(Throwable error) {
    String message = error.getMessage();
    if (message == null) {
      return error.getClass().getSimpleName();
    }
    Matcher m = NATIVE_ERROR.matcher(message);
    return m.matches() ? m.group(1) : message;
  }

  /** A Netty future as a Vert.x future whose callbacks run on {@code context}. */
  static Future<Void> settled(ContextInternal context, io.netty.util.concurrent.Future<Void> nettyFuture) {
    PromiseInternal<Void> promise = context.promise();
    nettyFuture.addListener(promise);
    return promise.future();
  }
}
