package io.vsd.dataplane;

import io.netty.buffer.ByteBuf;
import io.netty.channel.Channel;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInboundHandlerAdapter;
import io.netty.channel.socket.DatagramPacket;
import io.netty.util.ReferenceCountUtil;
import io.vsd.services.model.ServiceKey;
import io.vsd.services.routing.ServiceRoute;
import io.vsd.services.scheduler.Destination;
import io.vsd.services.scheduler.PickContext;
import java.net.InetSocketAddress;
import java.util.HashMap;
import java.util.Map;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.LongAdder;

/**
 * A UDP virtual service's listening socket and its sessions: the handler of the socket bound to the service
 * address. A datagram from a client goes to the client's session, made on its first datagram with a real
 * server the service's scheduler picks; with one-packet scheduling (-o) every datagram gets a session of its
 * own, which ends with the real server's first reply. Replies are sent to the client from this socket, so that
 * they come from the service address.
 *
 * <p>The socket and every session socket live on one event loop: the sessions map needs no lock. Only the
 * counts are read from elsewhere (the status).
 */
final class UdpListener extends ChannelInboundHandlerAdapter {
  private static final System.Logger LOG = System.getLogger(UdpListener.class.getName());

  private final UdpForwarding forwarding;
  private final ServiceKey key;
  private final UdpSessionTable table;
  /** The client's session, for services without one-packet scheduling. */
  private final Map<InetSocketAddress, UdpSession> sessions = new HashMap<>();
  private final AtomicInteger sessionCount = new AtomicInteger();
  private final LongAdder evicted = new LongAdder();
  private Channel channel;
  private InetSocketAddress serviceAddress;

  UdpListener(UdpForwarding forwarding, ServiceKey key, UdpSessionTable table) {
    this.forwarding = forwarding;
    this.key = key;
    this.table = table;
  }

  ServiceKey key() {
    return key;
  }

  UdpSessionTable table() {
    return table;
  }

  UdpForwarding forwarding() {
    return forwarding;
  }

  Channel channel() {
    return channel;
  }

  /** Sessions open now; read from any thread. */
  int sessionCount() {
    return sessionCount.get();
  }

  /** Sessions of this service that made room for newer ones. */
  long evictedCount() {
    return evicted.sum();
  }

  void evicted() {
    evicted.increment();
  }

  @Override
  public void channelActive(ChannelHandlerContext ctx) {
    channel = ctx.channel();
    serviceAddress = (InetSocketAddress) channel.localAddress();
    ctx.fireChannelActive();
  }

  @Override
  public void channelRead(ChannelHandlerContext ctx, Object msg) {
    if (!(msg instanceof DatagramPacket packet)) {
      ReferenceCountUtil.release(msg);
      return;
    }
    ByteBuf content = packet.content();
    InetSocketAddress client = packet.sender();
    // One volatile read: the route of the table version in force now.
    ServiceRoute route = forwarding.routing().current().route(key);
    if (route == null) {
      drop(content); // the service is being removed; its socket closes next
      return;
    }
    boolean ops = route.service().ops();
    if (!ops) {
      UdpSession s = sessions.get(client);
      if (s != null) {
        s.fromClient(content);
        return;
      }
    }
    UdpSession s = open(route, client, ops);
    if (s == null) {
      drop(content);
      return;
    }
    s.fromClient(content);
  }

  /** A new session for {@code client}, or null when no real server is available or no room can be made. */
  private UdpSession open(ServiceRoute route, InetSocketAddress client, boolean ops) {
    if (!forwarding.reserve() && !(table.evictOldest() && forwarding.reserve())) {
      // The table is full of other event loops' sessions: this loop has none to give up.
      return null;
    }
    PickContext pick = new PickContext(client, serviceAddress);
    PickLatency latency = forwarding.stats().picks(key, route.service().scheduler());
    long start = System.nanoTime();
    Destination d = route.pick(pick);
    if (latency != null) {
      latency.record(System.nanoTime() - start); // docs/monitoring.md: vsd_scheduler_pick_seconds
    }
    if (d == null) {
      forwarding.release();
      pick.connectionEnded();
      return null;
    }
    UdpSession s = new UdpSession(this, client, d, pick, ops);
    sessionCount.incrementAndGet();
    table.add(s);
    if (!ops) {
      sessions.put(client, s);
    }
    s.open();
    return s;
  }

  /** Called by a session as it closes, once. */
  void closed(UdpSession s) {
    table.remove(s);
    if (!s.ops()) {
      sessions.remove(s.client(), s);
    }
    sessionCount.decrementAndGet();
    forwarding.release();
  }

  /** A reply of a real server, to the client, from the service address. */
  boolean reply(ByteBuf content, InetSocketAddress client) {
    if (channel == null || !channel.isActive() || !channel.isWritable()) {
      drop(content);
      return false;
    }
    channel.writeAndFlush(new DatagramPacket(content, client), channel.voidPromise());
    return true;
  }

  private void drop(ByteBuf content) {
    content.release();
    forwarding.dropped();
  }

  /** Closes every session of this service (its socket is closing). On the event loop. */
  void closeSessions() {
    for (UdpSession s : sessions.values().toArray(UdpSession[]::new)) {
      s.close();
    }
  }

  @Override
  public void channelInactive(ChannelHandlerContext ctx) {
    // Replies can no longer come from the service address: the sessions have no use left. ops sessions are
    // in the loop's table only; they end with their reply or their timeout, and a reply is then dropped.
    closeSessions();
    ctx.fireChannelInactive();
  }

  @Override
  public void exceptionCaught(ChannelHandlerContext ctx, Throwable cause) {
    // A send to one client failed: not a reason to stop serving the others.
    if (LOG.isLoggable(System.Logger.Level.DEBUG)) {
      LOG.log(System.Logger.Level.DEBUG, key + ": " + cause);
    }
  }
}
