package io.vsd.dataplane;

import io.netty.channel.socket.DatagramChannel;
import io.netty.channel.socket.InternetProtocolFamily;
import io.vsd.services.routing.RoutingTable;
import java.net.Inet6Address;
import java.net.InetAddress;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.LongAdder;
import java.util.function.Function;
import java.util.function.LongSupplier;

/**
 * What every UDP listener and session of one data plane shares: where to read routes, how to make datagram
 * sockets, the traffic counters, the session timeout and the director-wide bound on sessions. Used from every
 * event loop: its mutable parts are atomics.
 */
final class UdpForwarding {
  /** The largest UDP payload: a datagram is read whole, never cut to a smaller buffer. */
  static final int MAX_DATAGRAM = 65535;

  private final RoutingTable routing;
  private final Function<InternetProtocolFamily, DatagramChannel> channels;
  private final TrafficStats stats;
  private final LongSupplier timeoutNanos;
  private final int maxSessions;
  private final AtomicInteger sessions = new AtomicInteger();
  private final LongAdder evicted = new LongAdder();
  private final LongAdder dropped = new LongAdder();

  UdpForwarding(RoutingTable routing, Function<InternetProtocolFamily, DatagramChannel> channels, TrafficStats stats,
                LongSupplier timeoutNanos, int maxSessions) {
    this.routing = routing;
    this.channels = channels;
    this.stats = stats;
    this.timeoutNanos = timeoutNanos;
    this.maxSessions = maxSessions;
  }

  RoutingTable routing() {
    return routing;
  }

  TrafficStats stats() {
    return stats;
  }

  /** A new, unregistered datagram socket for addresses of {@code address}'s family. */
  DatagramChannel newChannel(InetAddress address) {
    return channels.apply(address instanceof Inet6Address ? InternetProtocolFamily.IPv6 : InternetProtocolFamily.IPv4);
  }

  long timeoutNanos() {
    return timeoutNanos.getAsLong();
  }

  int maxSessions() {
    return maxSessions;
  }

  /** Takes a place in the session table; false when it is full. Never more than {@link #maxSessions} at once. */
  boolean reserve() {
    for (;;) {
      int n = sessions.get();
      if (n >= maxSessions) {
        return false;
      }
      if (sessions.compareAndSet(n, n + 1)) {
        return true;
      }
    }
  }

  void release() {
    sessions.decrementAndGet();
  }

  int sessions() {
    return sessions.get();
  }

  void evicted() {
    evicted.increment();
  }

  long evictedCount() {
    return evicted.sum();
  }

  /** A datagram that could not be forwarded: no real server, a full table, a socket that cannot take more. */
  void dropped() {
    dropped.increment();
  }

  long droppedCount() {
    return dropped.sum();
  }
}
