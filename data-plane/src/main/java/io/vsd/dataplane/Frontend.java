package io.vsd.dataplane;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.Unpooled;
import io.netty.channel.Channel;
import io.netty.channel.ChannelFuture;
import io.netty.channel.ChannelFutureListener;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInboundHandlerAdapter;
import io.netty.channel.socket.ChannelInputShutdownEvent;
import io.netty.channel.socket.DuplexChannel;
import io.netty.util.ReferenceCountUtil;
import io.vsd.services.model.ServiceKey;
import io.vsd.services.routing.ServiceRoute;
import io.vsd.services.scheduler.Destination;
import io.vsd.services.scheduler.PickContext;
import java.net.InetSocketAddress;
import java.util.ArrayDeque;

/**
 * One forwarded connection: the handler of the client's socket, and the owner of the connection's state.
 * Netty's HexDumpProxy shape: autoRead is off on both sockets, the real server is connected on the client
 * socket's event loop, and each side is read again only when what it last gave has been written to the other
 * side, so at most one buffer is in flight per direction and a slow reader slows the fast side down.
 *
 * <p>Both sockets live on one event loop, so every method here runs on that one thread: no locks, no
 * atomics but the real server's shared counts.
 *
 * <p>Counting (IPVS's ActiveConn/InActConn): each connect attempt calls {@link Destination#connectionOpened()};
 * a failed attempt is closed with {@code connectionClosed(true)} at once; the established one counts as
 * half-closed when either side first sends FIN, and is closed when its real-server socket closes.
 *
 * <p>Passive health (docs/health.md): a failed connect, and a real server that closes or resets a connection before
 * a byte has passed either way, are reported to the {@link Destination}; its first byte is reported as a success.
 * Such an early close is also retried on another real server, like a failed connect: nothing was forwarded yet, so
 * the client cannot tell (a server killed with connections still in its accept queue resets them this way).
 *
 * <p>Splice ({@link DataPlaneOptions#splice()}, epoll): after {@link Splice#AFTER_BYTES} have been copied in bulk
 * reads (of at least {@link Splice#BULK_READ}), both
 * directions are handed to the kernel ({@link Splice}). Bytes have passed by then, so the retry above never meets a
 * spliced connection; a connection already half-closed keeps copying to its end.
 */
final class Frontend extends ChannelInboundHandlerAdapter {
  private static final System.Logger LOG = System.getLogger(Frontend.class.getName());

  private final Forwarding forwarding;
  private final ServiceKey key;

  private Channel inbound;
  private Channel outbound;
  private ServiceRoute route;
  private PickContext pick;
  /** Where this connection's picks are timed (docs/monitoring.md); null when not recorded. */
  private PickLatency pickLatency;
  private Destination destination;
  private int retriesLeft;
  /** The real-server socket is connected and bytes flow. */
  private boolean established;
  /** Counted as InActConn: one side has sent FIN. */
  private boolean halfClosed;
  /** Directions whose FIN has been passed on (0, 1 or 2). */
  private int directionsShut;
  /** What the client sent before the real server was connected (epoll reads on EPOLLRDHUP even with autoRead off). */
  private ArrayDeque<Object> early;
  private boolean clientEofEarly;
  /** A byte or a FIN has passed between the client and the established real server, either way. */
  private boolean exchanged;
  /** The traffic counters of the service and of the established real server (docs/vsadm.md, --stats). */
  private Counters serviceCounters;
  private Counters serverCounters;
  /** Splice (zero copy) is on and possible; until {@link #splicing}, the connection copies. */
  private boolean spliceWanted;
  /** Bytes copied so far in bulk reads while splice is wanted: splicing starts past {@link Splice#AFTER_BYTES}. */
  private long copied;
  /** Both directions are spliced (docs/architecture.md, "How a connection flows"). */
  private boolean splicing;
  /** This connection in its event loop's connection table: the listing and the idle timeouts. */
  private ConnectionTable.Tracked tracked;

  /** After a write to the real server: read the client again. After one to the client: read the real server. */
  private final ChannelFutureListener readInbound = f -> resume(f, inbound);
  private final ChannelFutureListener readOutbound = f -> resume(f, outbound);
  private final ChannelFutureListener directionShut = this::directionShut;

  Frontend(Forwarding forwarding, ServiceKey key) {
    this.forwarding = forwarding;
    this.key = key;
  }

  @Override
  public void handlerAdded(ChannelHandlerContext ctx) {
    countSplices(ctx.channel(), true);
  }

  /** Called for each socket before its first read, so that spliced bytes are counted if it comes to splicing. */
  void countSplices(Channel ch, boolean fromClient) {
    if (forwarding.options().splice() && Splice.possible(ch)) {
      Splice.count(ch, this, fromClient);
    }
  }

  @Override
  public void channelActive(ChannelHandlerContext ctx) {
    inbound = ctx.channel();
    // One snapshot per connection: the route holds this connection's scheduler and servers.
    route = forwarding.routing().current().route(key);
    if (route == null) {
      inbound.close();
      return;
    }
    tracked = forwarding.table().track(this, inbound, key);
    pick = new PickContext((InetSocketAddress) inbound.remoteAddress(), (InetSocketAddress) inbound.localAddress());
    retriesLeft = forwarding.options().connectRetries();
    pickLatency = forwarding.stats().picks(key, route.service().scheduler());
    connect();
  }

  private void connect() {
    long start = System.nanoTime();
    Destination d = route.pick(pick);
    if (pickLatency != null) {
      pickLatency.record(System.nanoTime() - start);
    }
    if (d == null) {
      inbound.close();
      return;
    }
    d.connectionOpened();
    destination = d;
    Throwable[] noSocket = new Throwable[1];
    ChannelFuture connecting = forwarding.connect(inbound.eventLoop(), new Backend(this), d.socketAddress(), noSocket);
    if (connecting == null) {
      // No socket could be made (out of file descriptors?). Not the real server's fault, so no retry.
      d.connectionClosed(true);
      if (LOG.isLoggable(System.Logger.Level.DEBUG)) {
        LOG.log(System.Logger.Level.DEBUG, key + ": no socket for a connect to " + d + " (" + noSocket[0]
            + "); closing the client " + inbound.remoteAddress());
      }
      inbound.close();
      return;
    }
    Channel ch = connecting.channel();
    outbound = ch;
    // Registered before the channel joins the group, so the count is settled by the time drain sees it gone.
    ch.closeFuture().addListener(f -> {
      if (established && ch == outbound) {
        d.connectionClosed(!halfClosed);
      }
    });
    forwarding.connections().add(ch);
    connecting.addListener((ChannelFuture f) -> connected(f, d));
  }

  private void connected(ChannelFuture f, Destination d) {
    Channel ch = f.channel();
    if (!f.isSuccess()) {
      d.connectionClosed(true);
      d.reportFailure(f.cause());
      ch.close();
      if (!inbound.isActive()) {
        return; // the client left while we were connecting
      }
      pick.tried(d);
      boolean retry = retriesLeft-- > 0;
      if (LOG.isLoggable(System.Logger.Level.DEBUG)) {
        LOG.log(System.Logger.Level.DEBUG, key + ": connect to " + d + " failed (" + f.cause() + "); "
            + (retry ? "trying another real server" : "closing the client " + inbound.remoteAddress()));
      }
      if (retry) {
        connect();
      } else {
        inbound.close();
      }
      return;
    }
    established = true;
    if (!inbound.isActive()) {
      ch.close();
      return;
    }
    tracked.established();
    TrafficStats.ServiceCounters counters = forwarding.stats().service(key);
    serviceCounters = counters.total();
    serverCounters = forwarding.stats().server(counters, d.server().endpoint());
    serviceCounters.connection();
    serverCounters.connection();
    spliceWanted = forwarding.options().splice() && Splice.possible(inbound) && Splice.possible(outbound);
    if (early != null) {
      ArrayDeque<Object> pending = early;
      early = null;
      for (Object msg : pending) {
        exchanged = true;
        countIn(msg);
        relay(msg, outbound, inbound, readInbound);
      }
    }
    if (clientEofEarly) {
      inputShut(inbound);
    }
    inbound.read();
    outbound.read();
  }

  /** The real server this connection is made to (or being connected to); null before the first pick. */
  Destination destination() {
    return destination;
  }

  // ---- client socket events ----

  @Override
  public void channelRead(ChannelHandlerContext ctx, Object msg) {
    if (established) {
      exchanged = true;
      countIn(msg);
      relay(msg, outbound, inbound, readInbound);
      spliceWhenDue(msg);
    } else {
      if (early == null) {
        early = new ArrayDeque<>(2);
      }
      early.add(msg);
    }
  }

  @Override
  public void userEventTriggered(ChannelHandlerContext ctx, Object evt) {
    if (evt instanceof ChannelInputShutdownEvent) {
      if (established) {
        inputShut(inbound);
      } else {
        clientEofEarly = true;
      }
    } else {
      ctx.fireUserEventTriggered(evt);
    }
  }

  @Override
  public void channelInactive(ChannelHandlerContext ctx) {
    if (pick != null) {
      pick.connectionEnded(); // a persistence template's timeout runs from its last connection's end
    }
    if (early != null) {
      early.forEach(ReferenceCountUtil::release);
      early = null;
    }
    if (outbound != null) {
      closeOnFlush(outbound);
    }
  }

  @Override
  public void exceptionCaught(ChannelHandlerContext ctx, Throwable cause) {
    ctx.close();
  }

  // ---- real-server socket events (from Backend) ----

  void backendRead(Object msg) {
    tracked.touch();
    if (!exchanged) {
      exchanged = true;
      destination.reportSuccess();
    }
    if (serviceCounters != null && msg instanceof ByteBuf b) {
      serviceCounters.out(b.readableBytes());
      serverCounters.out(b.readableBytes());
    }
    relay(msg, inbound, outbound, readOutbound);
    spliceWhenDue(msg);
  }

  /**
   * After a copied read: start splicing once enough bulk has passed. Short connections, and long ones of small
   * messages, never pay for splice's two pipes and extra hop; bulk ones splice after their first bytes. Switching
   * at any read is safe: what was copied is queued on the other socket before anything spliced, and Netty splices
   * every later read.
   */
  private void spliceWhenDue(Object msg) {
    if (spliceWanted && !splicing && msg instanceof ByteBuf b && b.readableBytes() >= Splice.BULK_READ
        && (copied += b.readableBytes()) >= Splice.AFTER_BYTES
        && !halfClosed && inbound.isActive() && outbound.isActive()) {
      splicing = true;
      Splice.start(inbound, outbound, this::spliceFailed);
    }
  }

  boolean isSplicing() {
    return splicing;
  }

  /** A splice(2) call moved {@code bytes} (called by the sockets' read handles, before Netty moves them on). */
  void spliced(boolean fromClient, int bytes) {
    if (!splicing) {
      return; // copying: channelRead and backendRead count
    }
    tracked.touch(); // spliced bytes are activity too: the idle timeouts must see them
    exchanged = true;
    if (fromClient) {
      serviceCounters.in(bytes);
      serverCounters.in(bytes);
    } else {
      serviceCounters.out(bytes);
      serverCounters.out(bytes);
    }
  }

  /** A splice stopped with an error (a reset, a broken pipe): close both. A close fails it too, and is no error. */
  private void spliceFailed(ChannelFuture f) {
    if (!f.isSuccess() && !(f.cause() instanceof java.nio.channels.ClosedChannelException)) {
      inbound.close();
      outbound.close();
    }
  }

  /** A read from the client: an "in packet" of the service and of the real server. */
  private void countIn(Object msg) {
    tracked.touch();
    if (serviceCounters != null && msg instanceof ByteBuf b) {
      serviceCounters.in(b.readableBytes());
      serverCounters.in(b.readableBytes());
    }
  }

  void backendInputShut(Channel ch) {
    if (ch == outbound && established && !retryBeforeExchange(ch, null)) {
      inputShut(ch);
    }
  }

  void backendInactive(Channel ch, Throwable cause) {
    if (ch == outbound && established && !retryBeforeExchange(ch, cause)) {
      closeOnFlush(inbound);
    }
  }

  /**
   * The real server closed or reset the connection before a byte passed either way: report it, and try another
   * real server as after a failed connect.
   *
   * @return false when it is not such a close, or no retry is left (the close is then passed on as usual)
   */
  private boolean retryBeforeExchange(Channel ch, Throwable cause) {
    if (exchanged || !inbound.isActive()) {
      return false; // a close after bytes passed is the server's answer; a client gone closed it itself
    }
    Destination d = destination;
    d.reportFailure(cause);
    if (retriesLeft <= 0) {
      exchanged = true; // reported once; the close is passed on to the client
      return false;
    }
    outbound = null; // the close listener of ch no longer counts it: it is settled here
    established = false;
    if (!ch.closeFuture().isDone()) {
      d.connectionClosed(true);
      ch.close();
    } // else: the close listener counted it before channelInactive brought us here
    pick.tried(d);
    retriesLeft--;
    if (LOG.isLoggable(System.Logger.Level.DEBUG)) {
      LOG.log(System.Logger.Level.DEBUG, key + ": " + d + " closed the connection before any byte ("
          + (cause == null ? "FIN" : cause) + "); trying another real server");
    }
    connect();
    return true;
  }

  // ---- forwarding ----

  /**
   * Writes {@code msg} to {@code to}, and reads {@code source} again once it has gone out: at once when the socket
   * took it whole (the usual case: no listener to add and notify), or from {@code then} when it completes later.
   */
  private static void relay(Object msg, Channel to, Channel source, ChannelFutureListener then) {
    ChannelFuture write = to.writeAndFlush(msg);
    if (write.isDone()) {
      resume(write, source);
    } else {
      write.addListener(then);
    }
  }

  /** A write to the other side has finished: read from {@code source} again, or close if the write failed. */
  private static void resume(ChannelFuture write, Channel source) {
    if (write.isSuccess()) {
      source.read();
    } else {
      write.channel().close(); // the other side is gone; its close takes the source down too
    }
  }

  /** {@code from} sent FIN: pass it on once everything it sent before has been written to the other side. */
  private void inputShut(Channel from) {
    exchanged = true;
    tracked.finFrom(from == inbound);
    if (!halfClosed) {
      halfClosed = true;
      destination.connectionHalfClosed();
    }
    Channel to = from == inbound ? outbound : inbound;
    if (splicing) {
      // Netty stops splicing a socket at its FIN, maybe with bytes still queued: read those first.
      boolean fromClient = from == inbound;
      Splice.drain(from, to, new Splice.DrainSink() {
        @Override
        public void read(int bytes) {
          spliced(fromClient, bytes);
        }

        @Override
        public void done(Throwable error) {
          if (error == null) {
            passFin(to);
          } else {
            to.close();
          }
        }
      });
    } else {
      passFin(to);
    }
  }

  /** Shuts {@code to}'s output once everything written to it before has gone out. */
  private void passFin(Channel to) {
    to.writeAndFlush(Unpooled.EMPTY_BUFFER).addListener((ChannelFuture f) -> {
      if (!f.isSuccess()) {
        to.close();
      } else if (directionsShut == 1) {
        // The other direction has passed its FIN already: closing both is this direction's FIN too, and
        // saves the shutdown, for which Netty builds an exception with a stack trace every time.
        inbound.close();
        outbound.close();
      } else {
        shutOutput(to);
      }
    });
  }

  /** Sends FIN on {@code to}, whose writes have all gone out. */
  private void shutOutput(Channel to) {
    // Netty's shutdownOutput builds an exception with a stack trace every time (to fail writes still queued, and
    // none are). Shutting the socket directly avoided it, but left Netty's epoll channel unable to flush and close
    // some sockets at the end of a load run (they spun the event loop on EPOLLHUP): docs/performance.md.
    ((DuplexChannel) to).shutdownOutput().addListener(directionShut);
  }

  private void directionShut(ChannelFuture f) {
    if (!f.isSuccess()) {
      f.channel().close();
    } else if (++directionsShut == 2) {
      // Both sides have sent FIN and both have been passed on: nothing is left to forward.
      inbound.close();
      outbound.close();
    }
  }

  /** Closes {@code ch} after what was written to it has gone out (HexDumpProxy's closeOnFlush). */
  private static void closeOnFlush(Channel ch) {
    if (ch.isActive()) {
      ch.writeAndFlush(Unpooled.EMPTY_BUFFER).addListener(ChannelFutureListener.CLOSE);
    } else {
      ch.close(); // also cancels a connect in progress
    }
  }
}
