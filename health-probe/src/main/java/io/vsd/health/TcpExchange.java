package io.vsd.health;

import io.vertx.core.Future;
import io.vertx.core.Promise;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.internal.ContextInternal;
import io.vertx.core.internal.net.NetClientInternal;
import io.vertx.core.net.ConnectOptions;
import io.vertx.core.net.NetSocket;
import io.vertx.core.net.SocketAddress;
import io.vsd.services.model.Endpoint;
import java.time.Duration;
import java.util.function.Predicate;

/**
 * One TCP (or TLS) conversation of a check: connect, send, read until the reply is complete or the peer closes,
 * all within a deadline, then close. Failures come back as failed futures whose message says in which step.
 */
final class TcpExchange {
  private TcpExchange() {}

  /** What was read. {@code closed}: the peer closed the connection (rather than the reply being complete). */
  record Reply(Buffer data, boolean closed) {}

  /**
   * @param options  where to connect, TLS settings; the remote address is set here
   * @param send     what to write once connected; null for nothing
   * @param complete whether what was read so far is a whole reply; null to stop right after connecting
   * @param maxBytes the most to read; more is a failure
   */
  static Future<Reply> run(CheckContext ctx, Endpoint target, ConnectOptions options, Buffer send,
                           Predicate<Buffer> complete, int maxBytes, Duration timeout) {
    ContextInternal context = (ContextInternal) ctx.vertx().getOrCreateContext();
    Promise<Reply> promise = context.promise();
    long timeoutMs = Math.max(1, timeout.toMillis());
    Buffer data = Buffer.buffer();
    NetSocket[] socket = new NetSocket[1];
    String[] step = {"connect"};
    long timer = ctx.vertx().setTimer(timeoutMs, id -> {
      if (promise.tryFail("timed out after " + timeoutMs + " ms (" + step[0]
          + (data.length() > 0 ? ", " + data.length() + " bytes read" : "") + ")")) {
        if (socket[0] != null) {
          socket[0].close();
        }
      }
    });
    promise.future().onComplete(ar -> ctx.vertx().cancelTimer(timer));
    options.setRemoteAddress(SocketAddress.inetSocketAddress(target.port(), target.host()))
        .setTimeout((int) Math.min(Integer.MAX_VALUE, timeoutMs));
    // NetClient.connect's future calls back through a task on the event loop, and a server that speaks first
    // (an agent, an SMTP banner) can be read before it: data without a handler is dropped. A promise without a
    // context is completed inline, as Vert.x makes the socket, before it can read: the handlers are in place.
    Promise<NetSocket> connected = Promise.promise();
    connected.future().onComplete(ar -> {
      if (ar.failed()) {
        promise.tryFail("connect: " + reason(ar.cause()));
        return;
      }
      NetSocket s = ar.result();
      socket[0] = s;
      if (promise.future().isComplete()) {
        s.close(); // timed out meanwhile
        return;
      }
      if (complete == null) {
        promise.tryComplete(new Reply(data, false));
        s.close();
        return;
      }
      step[0] = send == null ? "waiting for a reply" : "sending";
      s.handler(chunk -> {
        data.appendBuffer(chunk);
        if (data.length() > maxBytes) {
          promise.tryFail("reply longer than " + maxBytes + " bytes");
          s.close();
        } else if (complete.test(data)) {
          promise.tryComplete(new Reply(data, false));
          s.close();
        }
      });
      s.exceptionHandler(e -> {
        if (promise.tryFail(step[0] + ": " + reason(e))) {
          s.close();
        }
      });
      s.endHandler(v -> {
        promise.tryComplete(new Reply(data, true));
        s.close();
      });
      s.closeHandler(v -> promise.tryComplete(new Reply(data, true)));
      if (send != null) {
        s.write(send).onComplete(w -> {
          if (w.failed()) {
            promise.tryFail("send: " + reason(w.cause()));
            s.close();
          } else {
            step[0] = "waiting for a reply";
          }
        });
      }
    });
    ((NetClientInternal) ctx.net()).connectInternal(options, connected, context);
    return promise.future();
  }

  private static final java.util.regex.Pattern NATIVE_ERROR =
      java.util.regex.Pattern.compile("^\\w+\\(\\.\\.\\) failed(?: with error\\(-?\\d+\\))?: (.+)$");

  static String reason(Throwable e) {
    Throwable t = e;
    while (t.getCause() != null && t.getCause() != t && (t.getMessage() == null || t instanceof javax.net.ssl.SSLException)) {
      t = t.getCause();
    }
    String m = t.getMessage();
    if (m == null) {
      return t.getClass().getSimpleName();
    }
    // Netty's native errors, "finishConnect(..) failed with error(-111): Connection refused": as NIO words them.
    java.util.regex.Matcher nativeError = NATIVE_ERROR.matcher(m);
    if (nativeError.matches()) {
      m = nativeError.group(1);
    }
    // Vert.x and Netty add the address: "Connection refused: /127.0.0.1:9001"
    return m.replaceFirst(": /[^ ]+$", "");
  }
}
