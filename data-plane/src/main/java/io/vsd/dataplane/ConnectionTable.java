package io.vsd.dataplane;

import io.netty.channel.Channel;
import io.netty.channel.EventLoopGroup;
import io.netty.util.concurrent.EventExecutor;
import io.netty.util.concurrent.ScheduledFuture;
import io.vertx.core.Future;
import io.vertx.core.internal.ContextInternal;
import io.vertx.core.internal.PromiseInternal;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import io.vsd.services.model.Endpoint;
import io.vsd.services.model.ServiceKey;
import io.vsd.services.model.Timeouts;
import io.vsd.services.routing.RoutingTable;
import io.vsd.services.scheduler.Destination;
import java.net.InetSocketAddress;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.IdentityHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;

/**
 * The TCP data plane's live connections (vsadm -L -c) and their idle timeouts (ipvsadm --set tcp tcpfin).
 *
 * <p>Each event loop owns its own registry ({@link Loop}): an intrusive doubly linked list of its connections,
 * touched only on that loop's thread, so there is no lock and no atomic. Per connection the hot path writes one
 * boolean ({@link Tracked#touch()}) per read; nothing is scheduled per connection.
 *
 * <p>Idle timeouts: one sweep per event loop, every {@link #tick} (100 ms to 1 s, an eighth of the shorter of
 * tcp and tcpfin), walks the loop's list. A connection that was touched since the last sweep is stamped with the
 * sweep's time; one that was not, and whose stamp is older than its timeout (tcp while established, tcpfin once
 * either side has sent FIN), is closed on both sides. The stamp is never earlier than the last byte, so a
 * connection is never closed early, and at most two ticks late. The timeouts are read from the routing snapshot at
 * every sweep, so a change applies to open connections at the next one. Cost: O(connections) per tick per loop,
 * a few nanoseconds each (docs/performance.md), against a per-connection timer re-armed on reads (Netty's
 * IdleStateHandler schedules a task per channel and re-arms it on every expiry).
 *
 * <p>Listing: each loop is asked for its part on its own thread ({@code execute}), and the parts are joined on the
 * verticle's context; no loop ever waits for another.
 */
final class ConnectionTable {
  private static final System.Logger LOG = System.getLogger(ConnectionTable.class.getName());
  static final long MIN_TICK_MS = 100;
  static final long MAX_TICK_MS = 1_000;

  /** IPVS's TCP states, as ipvsadm -L -c prints them (docs/vsadm.md has the mapping). */
  static final String SYN_RECV = "SYN_RECV";
  static final String ESTABLISHED = "ESTABLISHED";
  static final String FIN_WAIT = "FIN_WAIT";
  static final String CLOSE_WAIT = "CLOSE_WAIT";
  /** A persistence template's state in IPVS's connection table. */
  static final String TEMPLATE = "NONE";

  private static final byte CONNECTING = 0;
  private static final byte OPEN = 1;
  private static final byte CLIENT_FIN = 2;
  private static final byte SERVER_FIN = 3;

  private final RoutingTable routing;
  private final long connectTimeoutMs;
  /** Fixed at construction, so every loop may read it without a lock. */
  private final Map<EventExecutor, Loop> loops = new IdentityHashMap<>();

  ConnectionTable(EventLoopGroup group, RoutingTable routing, DataPlaneOptions options) {
    this.routing = routing;
    this.connectTimeoutMs = options.connectTimeout().toMillis();
    for (EventExecutor e : group) {
      loops.put(e, new Loop(e));
    }
  }

  /** The sweep interval for {@code t}: an eighth of the shorter timeout, within 100 ms .. 1 s. */
  static long tick(Timeouts t) {
    long shorter = Math.min(t.tcp(), t.tcpfin()) * 1000L;
    return Math.max(MIN_TICK_MS, Math.min(MAX_TICK_MS, shorter / 8));
  }

  void start() {
    loops.values().forEach(l -> l.executor.execute(l::schedule));
  }

  void stop() {
    loops.values().forEach(l -> l.executor.execute(l::cancel));
  }

  /**
   * Registers a new client connection; call on its event loop. It leaves the table when its client socket closes.
   *
   * @return its entry; when the channel's loop is not one of ours, a detached one (neither listed nor timed)
   */
  Tracked track(Frontend connection, Channel inbound, ServiceKey key) {
    Tracked t = new Tracked(connection, inbound, key);
    Loop loop = loops.get(inbound.eventLoop());
    if (loop == null) {
      t.listed = false;
      return t;
    }
    loop.add(t);
    inbound.closeFuture().addListener(f -> loop.remove(t));
    return t;
  }

  /** One connection in its loop's list. Every method runs on that loop's thread. */
  static final class Tracked {
    private final Frontend connection;
    private final Channel inbound;
    private final ServiceKey key;
    private Tracked prev;
    private Tracked next;
    private boolean listed = true;
    /** Bytes passed since the last sweep. */
    private boolean active;
    /** When it was last seen active, in the loop's milliseconds: never before its last byte. */
    private long since;
    private byte state = CONNECTING;

    private Tracked(Frontend connection, Channel inbound, ServiceKey key) {
      this.connection = connection;
      this.inbound = inbound;
      this.key = key;
      this.since = Loop.now();
    }

    /** Bytes passed, either way. */
    void touch() {
      active = true;
    }

    /** The real server is connected: the tcp timeout runs from here. */
    void established() {
      state = OPEN;
      active = true;
    }

    /** One side sent FIN: tcpfin applies from here on. The first FIN names the state. */
    void finFrom(boolean client) {
      if (state == OPEN) {
        state = client ? CLIENT_FIN : SERVER_FIN;
      }
      active = true;
    }
  }

  /** An event loop's own connections, and its sweep. Only that loop's thread touches it. */
  private final class Loop implements Runnable {
    private final EventExecutor executor;
    private Tracked head;
    private int size;
    private ScheduledFuture<?> sweep;
    private boolean stopped;

    Loop(EventExecutor executor) {
      this.executor = executor;
    }

    static long now() {
      return TimeUnit.NANOSECONDS.toMillis(System.nanoTime());
    }

    void add(Tracked t) {
      t.next = head;
      if (head != null) {
        head.prev = t;
      }
      head = t;
      size++;
    }

    void remove(Tracked t) {
      if (!t.listed) {
        return;
      }
      t.listed = false;
      if (t.prev != null) {
        t.prev.next = t.next;
      } else {
        head = t.next;
      }
      if (t.next != null) {
        t.next.prev = t.prev;
      }
      t.prev = null;
      t.next = null;
      size--;
    }

    void schedule() {
      if (!stopped) {
        sweep = executor.schedule(this, tick(routing.current().timeouts()), TimeUnit.MILLISECONDS);
      }
    }

    void cancel() {
      stopped = true;
      if (sweep != null) {
        sweep.cancel(false);
      }
    }

    /** The sweep. */
    @Override
    public void run() {
      long now = now();
      Timeouts timeouts = routing.current().timeouts();
      long tcp = timeouts.tcp() * 1000L;
      long fin = timeouts.tcpfin() * 1000L;
      Tracked t = head;
      while (t != null) {
        Tracked next = t.next; // closing t takes it out of the list
        if (t.active) {
          t.active = false;
          t.since = now;
        } else if (t.state != CONNECTING && now - t.since >= (t.state == OPEN ? tcp : fin)) {
          if (LOG.isLoggable(System.Logger.Level.DEBUG)) {
            LOG.log(System.Logger.Level.DEBUG, t.key + ": closing " + t.inbound.remoteAddress() + " after "
                + (now - t.since) + " ms idle (" + (t.state == OPEN ? "tcp" : "tcpfin") + " timeout)");
          }
          remove(t);
          t.inbound.close(); // the client socket's close closes the real server's too (Frontend.channelInactive)
        }
        t = next;
      }
      schedule();
    }

    /** This loop's part of a listing: up to {@code limit} rows of {@code service} (null: all), and how many matched. */
    Part part(ServiceKey service, int limit) {
      long now = now();
      Timeouts timeouts = routing.current().timeouts();
      List<Row> rows = new ArrayList<>(Math.min(limit, size));
      int matched = 0;
      for (Tracked t = head; t != null; t = t.next) {
        if (service != null && !service.equals(t.key)) {
          continue;
        }
        matched++;
        if (rows.size() < limit) {
          rows.add(row(t, now, timeouts));
        }
      }
      return new Part(rows, matched);
    }

    private Row row(Tracked t, long now, Timeouts timeouts) {
      String state;
      long left;
      long idle = t.active ? 0 : now - t.since;
      switch (t.state) {
        case CONNECTING -> {
          state = SYN_RECV;
          left = connectTimeoutMs - (now - t.since);
        }
        case OPEN -> {
          state = ESTABLISHED;
          left = timeouts.tcp() * 1000L - idle;
        }
        default -> {
          state = t.state == CLIENT_FIN ? FIN_WAIT : CLOSE_WAIT;
          left = timeouts.tcpfin() * 1000L - idle;
        }
      }
      Destination d = t.connection.destination();
      Endpoint source = endpoint(t.inbound.remoteAddress());
      return new Row(t.key, source, new JsonObject()
          .put("service", t.key.toString())
          .put("protocol", "TCP")
          .put("source", String.valueOf(source))
          .put("virtual", address(t.inbound.localAddress()))
          .put("destination", d == null ? null : d.server().endpoint().toString())
          .put("state", state)
          .put("expires", (Math.max(0, left) + 999) / 1000)); // whole seconds, rounded up: a fresh one shows its timeout
    }
  }

  private static String address(java.net.SocketAddress a) {
    Endpoint e = endpoint(a);
    return e == null ? String.valueOf(a) : e.toString();
  }

  private static Endpoint endpoint(java.net.SocketAddress a) {
    return a instanceof InetSocketAddress i ? new Endpoint(i.getAddress(), i.getPort()) : null;
  }

  /** A listed entry, with what it is sorted by. */
  private record Row(ServiceKey key, Endpoint source, JsonObject json) {}

  private record Part(List<Row> rows, int matched) {}

  /**
   * Persistence templates, as IPVS lists them among its connections: state NONE, the masked client with port 0,
   * the virtual service and the real server the client sticks to.
   */
  private List<Row> templates(ServiceKey service) {
    List<Row> rows = new ArrayList<>();
    for (var route : routing.current().routes().values()) {
      ServiceKey key = route.service().key();
      if (route.templates() == null || service != null && !service.equals(key)) {
        continue;
      }
      for (var t : route.templates().entries()) {
        Endpoint client = new Endpoint(t.client(), 0);
        rows.add(new Row(key, client, new JsonObject()
            .put("service", key.toString())
            .put("protocol", key.protocol().label())
            .put("source", client.toString())
            .put("virtual", key.endpoint().toString())
            .put("destination", t.server().toString())
            .put("state", TEMPLATE)
            .put("expires", (t.leftMillis() + 999) / 1000)));
      }
    }
    return rows;
  }

  /** Sorted by virtual service, then client. */
  private static final Comparator<Row> ORDER = Comparator.comparing(Row::key)
      .thenComparing(Row::source, Comparator.nullsLast(Comparator.naturalOrder()));

  /**
   * The live connections: {@code {"connections": [...], "total": N, "truncated": bool}}, at most {@code limit}
   * rows of {@code service} (null: every service). The future completes on {@code context}.
   */
  Future<JsonObject> list(ServiceKey service, int limit, ContextInternal context) {
    List<Future<Part>> parts = new ArrayList<>();
    for (Loop loop : loops.values()) {
      PromiseInternal<Part> part = context.promise();
      try {
        loop.executor.execute(() -> part.complete(loop.part(service, limit)));
      } catch (RuntimeException rejected) {
        part.complete(new Part(List.of(), 0)); // a loop shutting down holds no connection worth listing
      }
      parts.add(part.future());
    }
    return Future.all(parts).map(all -> {
      List<Row> rows = templates(service);
      long total = rows.size();
      for (int i = 0; i < all.size(); i++) {
        Part p = all.resultAt(i);
        rows.addAll(p.rows());
        total += p.matched();
      }
      rows.sort(ORDER);
      List<Row> shown = rows.size() > limit ? rows.subList(0, limit) : rows;
      JsonArray json = new JsonArray();
      shown.forEach(r -> json.add(r.json()));
      return new JsonObject()
          .put("connections", json)
          .put("total", total)
          .put("truncated", total > shown.size());
    });
  }
}
