package io.vsd.health;

import io.vertx.core.Future;
import io.vertx.core.Promise;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.datagram.DatagramSocket;
import io.vertx.core.datagram.DatagramSocketOptions;
import io.vsd.services.model.Endpoint;
import java.time.Duration;
import java.util.function.Predicate;

/**
 * One UDP request and reply of a check: a fresh socket on an ephemeral port, one datagram to the target, and the
 * first datagram from the target that {@code accept} takes, within a deadline. The socket is closed afterwards.
 */
final class DatagramExchange {
  private DatagramExchange() {}

  static Future<Buffer> run(CheckContext ctx, Endpoint target, Buffer payload, Predicate<Buffer> accept,
                            Duration timeout) {
    Promise<Buffer> promise = Promise.promise();
    long timeoutMs = Math.max(1, timeout.toMillis());
    DatagramSocket socket = ctx.vertx().createDatagramSocket(new DatagramSocketOptions().setIpV6(target.isIpv6()));
    long timer = ctx.vertx().setTimer(timeoutMs, id -> promise.tryFail("no reply within " + timeoutMs + " ms"));
    promise.future().onComplete(ar -> {
      ctx.vertx().cancelTimer(timer);
      socket.close();
    });
    socket.exceptionHandler(e -> promise.tryFail(TcpExchange.reason(e)));
    socket.handler(packet -> {
      if (packet.sender().port() == target.port() && sameHost(packet.sender().host(), target)
          && accept.test(packet.data())) {
        promise.tryComplete(packet.data());
      }
    });
    socket.listen(0, target.isIpv6() ? "::" : "0.0.0.0")
        .compose(s -> s.send(payload, target.port(), target.host()))
        .onFailure(e -> promise.tryFail("send: " + TcpExchange.reason(e)));
    return promise.future();
  }

  private static boolean sameHost(String sender, Endpoint target) {
    try {
      return java.net.InetAddress.getByName(sender).equals(target.address());
    } catch (java.net.UnknownHostException e) {
      return false;
    }
  }
}
