package io.vsd.dataplane;

import java.time.Duration;
import java.util.Objects;

/**
 * How the TCP data plane forwards.
 *
 * <p>There is no transport switch here: the data plane runs its sockets on Vert.x's own event loops, so it
 * uses whatever transport Vert.x was built with ({@code VertxOptions.setPreferNativeTransport(true)} gives
 * epoll where the native library loads, NIO otherwise). A Netty channel can only register on an event loop
 * of its own transport, so the two cannot be chosen apart.
 *
 * @param connectRetries how many other real servers to try after a failed connect before the client is
 *                       closed (0: give up after the first failure)
 * @param connectTimeout how long one connect to a real server may take
 * @param drainTimeout   on stop, how long open connections may continue before they are closed
 * @param backlog        the listen backlog of each virtual service's socket
 * @param splice         forward with splice(2) (zero copy, Netty's epoll {@code spliceTo}) where both sockets are
 *                       epoll sockets; false, or on NIO, copies through pooled direct buffers (docs/performance.md,
 *                       "Data plane tuning")
 */
public record DataPlaneOptions(int connectRetries, Duration connectTimeout, Duration drainTimeout, int backlog,
                               boolean splice) {

  public DataPlaneOptions {
    Objects.requireNonNull(connectTimeout, "connectTimeout");
    Objects.requireNonNull(drainTimeout, "drainTimeout");
    if (connectRetries < 0) {
      throw new IllegalArgumentException("connectRetries must be 0 or more, got " + connectRetries);
    }
    if (connectTimeout.toMillis() < 1 || connectTimeout.toMillis() > Integer.MAX_VALUE) {
      throw new IllegalArgumentException("connectTimeout must be between 1 ms and " + Integer.MAX_VALUE
          + " ms, got " + connectTimeout);
    }
    if (drainTimeout.isNegative()) {
      throw new IllegalArgumentException("drainTimeout must not be negative, got " + drainTimeout);
    }
    if (backlog < 1) {
      throw new IllegalArgumentException("backlog must be 1 or more, got " + backlog);
    }
  }

  /** With splice at its default ({@link #DEFAULT_SPLICE}). */
  public DataPlaneOptions(int connectRetries, Duration connectTimeout, Duration drainTimeout, int backlog) {
    this(connectRetries, connectTimeout, drainTimeout, backlog, DEFAULT_SPLICE);
  }

  /** The measured choice: docs/performance.md, "Data plane tuning". */
  public static final boolean DEFAULT_SPLICE = true;

  /** 3 retries, 2 s connect timeout, 30 s drain, backlog 1024, splice at its default. */
  public static DataPlaneOptions defaults() {
    return new DataPlaneOptions(3, Duration.ofSeconds(2), Duration.ofSeconds(30), 1024);
  }

  public DataPlaneOptions withSplice(boolean on) {
    return new DataPlaneOptions(connectRetries, connectTimeout, drainTimeout, backlog, on);
  }
}
