package io.vsd.dataplane;

import io.netty.channel.Channel;
import io.netty.channel.ChannelConfig;
import io.netty.channel.ChannelFactory;
import io.netty.channel.ChannelFuture;
import io.netty.channel.ChannelHandler;
import io.netty.channel.ChannelOption;
import io.netty.channel.ChannelPromise;
import io.netty.channel.EventLoop;
import io.netty.channel.group.ChannelGroup;
import io.vsd.services.routing.RoutingTable;
import java.net.SocketAddress;

/**
 * What every forwarded connection of one data-plane verticle shares: where to read routes, how to connect to
 * real servers, and the group of open sockets that stop() drains. Immutable; used from every event loop.
 *
 * @param connections every open client socket and real-server socket, for drain
 * @param stats       the traffic counters of every service and real server
 * @param table       the live connections per event loop, and their idle timeouts
 */
record Forwarding(RoutingTable routing, DataPlaneOptions options, ChannelFactory<? extends Channel> channels,
                  ChannelGroup connections, TrafficStats stats, ConnectionTable table) {

  /**
   * Connects a new real-server socket on {@code loop}, the client socket's event loop, from that loop.
   *
   * <p>Not Netty's {@code Bootstrap}: per connection it builds an options map, looks up an address resolver for an
   * address that is already resolved, and queues the connect as a task; here the socket is made, registered and
   * connected inline (registering on the current loop completes at once). TCP_NODELAY is Netty's default for every
   * socket it makes, so it is not set again (one setsockopt less per socket).
   *
   * @return the connect's future; null when no socket could be made (out of file descriptors), {@code failure}
   *     then holding why
   */
  ChannelFuture connect(EventLoop loop, ChannelHandler handler, SocketAddress to, Throwable[] failure) {
    Channel ch;
    try {
      ch = channels.newChannel();
    } catch (RuntimeException e) {
      failure[0] = e;
      return null;
    }
    ChannelConfig config = ch.config();
    config.setAutoRead(false);
    config.setOption(ChannelOption.ALLOW_HALF_CLOSURE, true);
    config.setConnectTimeoutMillis((int) options.connectTimeout().toMillis());
    ch.pipeline().addLast(handler);
    ChannelFuture registered = loop.register(ch);
    if (registered.isDone()) { // always, on the loop itself
      if (!registered.isSuccess()) {
        ch.unsafe().closeForcibly();
        failure[0] = registered.cause();
        return null;
      }
      return ch.connect(to);
    }
    ChannelPromise connecting = ch.newPromise();
    registered.addListener(f -> {
      if (f.isSuccess()) {
        ch.connect(to, connecting);
      } else {
        ch.unsafe().closeForcibly();
        connecting.setFailure(f.cause());
      }
    });
    return connecting;
  }
}
