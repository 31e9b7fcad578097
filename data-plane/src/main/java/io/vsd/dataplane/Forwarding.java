package io.vsd.dataplane;

import io.netty.bootstrap.Bootstrap;
import io.netty.channel.Channel;
import io.netty.channel.ChannelFactory;
import io.netty.channel.ChannelHandler;
import io.netty.channel.ChannelOption;
import io.netty.channel.EventLoop;
import io.netty.channel.group.ChannelGroup;
import io.vsd.services.routing.RoutingTable;

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

  /** A connect to a real server, on the client socket's event loop, with our options. */
  Bootstrap bootstrap(EventLoop loop, ChannelHandler handler) {
    return new Bootstrap()
        .group(loop)
        .channelFactory(channels)
        .option(ChannelOption.AUTO_READ, false)
        .option(ChannelOption.TCP_NODELAY, true)
        .option(ChannelOption.ALLOW_HALF_CLOSURE, true)
        .option(ChannelOption.CONNECT_TIMEOUT_MILLIS, (int) options.connectTimeout().toMillis())
        .handler(handler);
  }
}
