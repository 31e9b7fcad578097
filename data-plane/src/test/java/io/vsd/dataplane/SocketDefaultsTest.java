package io.vsd.dataplane;

import static org.junit.jupiter.api.Assertions.assertTrue;

import io.netty.channel.epoll.Epoll;
import io.netty.channel.epoll.EpollSocketChannel;
import io.netty.channel.socket.nio.NioSocketChannel;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.Test;

/**
 * The data plane relies on Netty turning TCP_NODELAY on for every socket it makes (it does not set it again, one
 * setsockopt less per socket): a proxy must not add Nagle's delay to the small writes it passes on.
 */
class SocketDefaultsTest {
  @Test
  void nioSocketsHaveNoDelay() {
    NioSocketChannel ch = new NioSocketChannel();
    try {
      assertTrue(ch.config().isTcpNoDelay());
    } finally {
      ch.unsafe().closeForcibly();
    }
  }

  @Test
  void epollSocketsHaveNoDelay() {
    Assumptions.assumeTrue(Epoll.isAvailable(), "epoll is not available here");
    EpollSocketChannel ch = new EpollSocketChannel();
    try {
      assertTrue(ch.config().isTcpNoDelay());
    } finally {
      ch.unsafe().closeForcibly();
    }
  }
}
