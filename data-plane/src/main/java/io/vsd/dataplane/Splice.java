package io.vsd.dataplane;

import io.netty.buffer.ByteBuf;
import io.netty.channel.Channel;
import io.netty.channel.ChannelFuture;
import io.netty.channel.ChannelFutureListener;
import io.netty.channel.RecvByteBufAllocator;
import io.netty.channel.epoll.EpollSocketChannel;
import io.netty.util.UncheckedBooleanSupplier;
import java.io.IOException;
import java.nio.ByteBuffer;

/**
 * Zero-copy forwarding with splice(2), through Netty's {@link EpollSocketChannel#spliceTo}: the kernel moves each
 * direction's bytes from one socket through a pipe into the other, and no byte enters the JVM.
 *
 * <p>What Netty leaves to us, and how it is done here:
 * <ul>
 *   <li><b>Counting.</b> Spliced bytes never reach the pipeline. Each splice(2) call reports its size to the
 *   socket's read handle, so a {@link Counting} handle wrapped around the usual one passes it to the connection: a
 *   "packet" of the counters is then one splice(2) call, as it is one read(2) when copying.</li>
 *   <li><b>Half-close.</b> At the peer's FIN, Netty splices once more, shuts the socket's input and never reads it
 *   again: bytes still queued in the kernel beyond that one splice would be lost. {@link #drain} reads them with
 *   read(2) into pooled direct buffers, one in flight, and writes them after what was spliced (they queue behind
 *   the splices on the other socket), so the FIN is passed on only after the last byte.</li>
 *   <li><b>Backpressure.</b> Netty's: with autoRead on, a splice that the other socket cannot take at once turns
 *   autoRead off until it has gone out, so a direction holds at most one pipe (64 KiB) in flight.</li>
 * </ul>
 * {@code spliceTo} is deprecated in Netty 4.2 and planned for removal in Netty 5; {@link DataPlaneOptions#splice()}
 * turns it off, and the copying path is the fallback.
 */
final class Splice {
  private Splice() {}

  /**
   * A connection copies its first bulk bytes and splices from there on (see {@link Frontend}): a request and its
   * answer then never pay for the two pipes splice makes per connection, which cost connection rate.
   */
  static final long AFTER_BYTES = 64 * 1024;
  /**
   * Only reads of at least this much count towards {@link #AFTER_BYTES}: small messages gain nothing from zero copy
   * and pay a pipe's extra hop each, so a long connection of small requests and answers keeps copying.
   */
  static final int BULK_READ = 16 * 1024;

  /** Linux's default pipe size (pipe(7)): what one splice can hold in flight. */
  private static final int PIPE_CAPACITY = 64 * 1024;
  /** What the drain reads at once: one pipe's worth, as a splice moves. */
  private static final int DRAIN_BUFFER = PIPE_CAPACITY;

  /** Whether {@code ch} can splice: an epoll socket (with NIO the data plane copies). */
  static boolean possible(Channel ch) {
    return ch instanceof EpollSocketChannel;
  }

  /**
   * Reports what is spliced from {@code ch} to {@code connection}. Call before {@code ch}'s first read: Netty makes a
   * socket's read handle once.
   */
  static void count(Channel ch, Frontend connection, boolean fromClient) {
    ch.config().setRecvByteBufAllocator(new Counting(ch.config().getRecvByteBufAllocator(), connection, fromClient));
  }

  /**
   * Splices both ways. Both sockets are on one event loop with autoRead off and nothing pending; from here Netty
   * reads with autoRead on and turns it off while the other side is full. {@code failed} runs when a direction
   * stops with an error (a closed socket fails its splice too).
   */
  static void start(Channel inbound, Channel outbound, ChannelFutureListener failed) {
    EpollSocketChannel in = (EpollSocketChannel) inbound;
    EpollSocketChannel out = (EpollSocketChannel) outbound;
    in.spliceTo(out, Integer.MAX_VALUE).addListener(failed);
    out.spliceTo(in, Integer.MAX_VALUE).addListener(failed);
    in.config().setAutoRead(true);
    out.config().setAutoRead(true);
  }

  /** What the drain hands back: each read's size, then the end ({@code error} null at EOF). */
  interface DrainSink {
    void read(int bytes);

    void done(Throwable error);
  }

  /**
   * After {@code from}'s FIN: reads what it still holds and writes it to {@code to}, one buffer in flight, until EOF.
   * Runs on the event loop of both sockets; Netty no longer reads {@code from} once its input is shut.
   */
  static void drain(Channel from, Channel to, DrainSink sink) {
    if (!from.isOpen()) {
      // Closed between two reads (a reset): its descriptor's number may already be another socket's. Checked on
      // the event loop that alone closes it, so an open socket stays open through the read below.
      sink.done(new java.nio.channels.ClosedChannelException());
      return;
    }
    ByteBuf buf = from.alloc().directBuffer(DRAIN_BUFFER);
    int n;
    try {
      ByteBuffer nio = buf.internalNioBuffer(0, buf.capacity());
      n = ((EpollSocketChannel) from).fd().read(nio, nio.position(), nio.limit());
    } catch (IOException | RuntimeException e) {
      buf.release();
      sink.done(e);
      return;
    }
    if (n <= 0) { // -1: EOF; 0 (EAGAIN) cannot follow a FIN, but would mean nothing is left either
      buf.release();
      sink.done(null);
      return;
    }
    buf.writerIndex(n);
    sink.read(n);
    to.writeAndFlush(buf).addListener((ChannelFuture f) -> {
      if (f.isSuccess()) {
        drain(from, to, sink);
      } else {
        sink.done(f.cause());
      }
    });
  }

  /** A socket's read allocator whose handles report every read's size to the connection. */
  private record Counting(RecvByteBufAllocator inner, Frontend connection, boolean fromClient)
      implements RecvByteBufAllocator {
    @Override
    public Handle newHandle() {
      return new CountingHandle((ExtendedHandle) inner.newHandle(), connection, fromClient);
    }
  }

  private static final class CountingHandle extends RecvByteBufAllocator.DelegatingHandle
      implements RecvByteBufAllocator.ExtendedHandle {
    private final Frontend connection;
    private final boolean fromClient;

    CountingHandle(RecvByteBufAllocator.ExtendedHandle delegate, Frontend connection, boolean fromClient) {
      super(delegate);
      this.connection = connection;
      this.fromClient = fromClient;
    }

    /**
     * How much one splice may move. Netty splices at most this per readiness event, and the usual guess learns
     * only from copying reads (it would stay at its 2 KiB start): ask for a whole pipe.
     */
    @Override
    public int guess() {
      return connection.isSplicing() ? PIPE_CAPACITY : super.guess();
    }

    @Override
    public void lastBytesRead(int bytes) {
      super.lastBytesRead(bytes);
      if (bytes > 0) {
        connection.spliced(fromClient, bytes);
      }
    }

    @Override
    public boolean continueReading(UncheckedBooleanSupplier maybeMoreDataSupplier) {
      return ((RecvByteBufAllocator.ExtendedHandle) delegate()).continueReading(maybeMoreDataSupplier);
    }
  }
}
