package io.vsd.dataplane;

import io.netty.bootstrap.Bootstrap;
import io.netty.buffer.ByteBuf;
import io.netty.channel.Channel;
import io.netty.channel.ChannelFuture;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInboundHandlerAdapter;
import io.netty.channel.ChannelOption;
import io.netty.channel.FixedRecvByteBufAllocator;
import io.netty.channel.socket.DatagramPacket;
import io.netty.util.ReferenceCountUtil;
import io.vsd.services.scheduler.Destination;
import io.vsd.services.scheduler.PickContext;
import java.net.InetSocketAddress;
import java.util.ArrayDeque;

/**
 * One client's session with one real server: the handler of a datagram socket connected to the real server, on
 * the listener's event loop. The kernel then delivers only that server's datagrams to it, and reports the
 * server's ICMP port unreachable as an error on it.
 *
 * <p>Counting: IPVS counts UDP entries as InActConn for their whole life (they have no connection state), so a
 * session is opened and at once half-closed on its {@link Destination}, and closed as inactive. Each session is a
 * connection in the traffic counters; each datagram a packet.
 *
 * <p>Passive health: a reply reports the server as working; an error on the socket (ICMP port unreachable: nothing
 * listens there) reports a failure and ends the session, so the client's next datagram is scheduled anew.
 */
final class UdpSession extends ChannelInboundHandlerAdapter {
  private static final System.Logger LOG = System.getLogger(UdpSession.class.getName());
  /** Datagrams a client may send before the session's socket is connected; more are dropped, as UDP may. */
  private static final int MAX_PENDING = 16;
  private static final FixedRecvByteBufAllocator WHOLE_DATAGRAMS = new FixedRecvByteBufAllocator(UdpForwarding.MAX_DATAGRAM);

  private final UdpListener listener;
  private final InetSocketAddress client;
  private final Destination destination;
  private final PickContext pick;
  private final boolean ops;
  private final Counters serviceCounters;
  private final Counters serverCounters;
  private Channel channel;
  private boolean connected;
  private boolean closed;
  private boolean answered;
  private ArrayDeque<ByteBuf> pending;

  // The loop's table keeps these: last use (System.nanoTime) and the links of its least-recently-used list.
  long lastUsed;
  UdpSession prev;
  UdpSession next;

  UdpSession(UdpListener listener, InetSocketAddress client, Destination destination, PickContext pick, boolean ops) {
    this.listener = listener;
    this.client = client;
    this.destination = destination;
    this.pick = pick;
    this.ops = ops;
    TrafficStats.ServiceCounters counters = listener.forwarding().stats().service(listener.key());
    this.serviceCounters = counters.total();
    this.serverCounters = listener.forwarding().stats().server(counters, destination.server().endpoint());
  }

  UdpListener listener() {
    return listener;
  }

  InetSocketAddress client() {
    return client;
  }

  boolean ops() {
    return ops;
  }

  /** Its row in vsadm -L -c: IPVS shows a UDP entry's state as "UDP". */
  io.vertx.core.json.JsonObject row(long expiresSeconds) {
    io.vsd.services.model.ServiceKey key = listener.key();
    return new io.vertx.core.json.JsonObject()
        .put("service", key.toString())
        .put("protocol", "UDP")
        .put("source", new io.vsd.services.model.Endpoint(client.getAddress(), client.getPort()).toString())
        .put("virtual", key.endpoint().toString())
        .put("destination", destination.server().endpoint().toString())
        .put("state", "UDP")
        .put("expires", expiresSeconds);
  }

  /** Counts the session and connects its socket to the real server, on the listener's event loop. */
  void open() {
    destination.connectionOpened();
    destination.connectionHalfClosed(); // a UDP entry is InActConn from the start
    serviceCounters.connection();
    serverCounters.connection();
    InetSocketAddress server = destination.socketAddress();
    ChannelFuture connecting;
    try {
      connecting = new Bootstrap()
          .group(listener.table().loop())
          .channelFactory(() -> listener.forwarding().newChannel(server.getAddress()))
          .option(ChannelOption.RCVBUF_ALLOCATOR, WHOLE_DATAGRAMS)
          .handler(this)
          .connect(server);
    } catch (RuntimeException e) { // no socket could be made (out of file descriptors?)
      LOG.log(System.Logger.Level.DEBUG, listener.key() + ": no socket for " + destination + ": " + e);
      close();
      return;
    }
    channel = connecting.channel();
    if (connecting.isDone()) {
      connected(connecting);
    } else {
      connecting.addListener((ChannelFuture f) -> connected(f));
    }
  }

  private void connected(ChannelFuture f) {
    if (closed) {
      return;
    }
    if (!f.isSuccess()) {
      destination.reportFailure(f.cause());
      close();
      return;
    }
    connected = true;
    if (pending != null) {
      ArrayDeque<ByteBuf> queued = pending;
      pending = null;
      for (ByteBuf b : queued) {
        send(b);
      }
    }
  }

  /** A datagram from the client, to the real server. Takes ownership of {@code content}. */
  void fromClient(ByteBuf content) {
    if (closed) {
      content.release();
      listener.forwarding().dropped();
      return;
    }
    listener.table().touch(this);
    serviceCounters.in(content.readableBytes());
    serverCounters.in(content.readableBytes());
    if (connected) {
      send(content);
    } else if (pending == null || pending.size() < MAX_PENDING) {
      if (pending == null) {
        pending = new ArrayDeque<>(2);
      }
      pending.add(content);
    } else {
      content.release();
      listener.forwarding().dropped();
    }
  }

  private void send(ByteBuf content) {
    if (channel.isWritable()) {
      channel.writeAndFlush(content, channel.voidPromise());
    } else {
      content.release(); // the socket's buffer is full: drop, as a router would
      listener.forwarding().dropped();
    }
  }

  @Override
  public void channelRead(ChannelHandlerContext ctx, Object msg) {
    ByteBuf content = msg instanceof DatagramPacket p ? p.content() : msg instanceof ByteBuf b ? b : null;
    if (content == null || closed) {
      ReferenceCountUtil.release(msg);
      return;
    }
    if (!answered) {
      answered = true;
      destination.reportSuccess();
    }
    listener.table().touch(this);
    int bytes = content.readableBytes();
    if (listener.reply(content, client)) {
      serviceCounters.out(bytes);
      serverCounters.out(bytes);
    }
    if (ops) {
      close(); // one-packet scheduling: the exchange is over with its reply
    }
  }

  @Override
  public void exceptionCaught(ChannelHandlerContext ctx, Throwable cause) {
    if (closed) {
      return;
    }
    if (LOG.isLoggable(System.Logger.Level.DEBUG)) {
      LOG.log(System.Logger.Level.DEBUG, listener.key() + ": " + destination + " for " + client + ": " + cause);
    }
    destination.reportFailure(cause);
    close();
  }

  @Override
  public void channelInactive(ChannelHandlerContext ctx) {
    close();
  }

  /** Ends the session: out of the tables, counted closed, its socket closed. Idempotent; on the event loop. */
  void close() {
    if (closed) {
      return;
    }
    closed = true;
    listener.closed(this);
    destination.connectionClosed(false);
    pick.connectionEnded();
    if (pending != null) {
      pending.forEach(ByteBuf::release);
      pending = null;
    }
    if (channel != null) {
      channel.close();
    }
  }
}
