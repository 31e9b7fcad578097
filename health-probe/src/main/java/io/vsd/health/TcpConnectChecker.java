package io.vsd.health;

import io.vertx.core.Future;
import io.vertx.core.net.ConnectOptions;
import io.vsd.services.model.Endpoint;
import java.time.Duration;

/** {@code tcp}: up when a TCP connection can be made (keepalived's TCP_CHECK). The connection is closed at once. */
final class TcpConnectChecker implements Checker {
  private final CheckContext ctx;
  private final Endpoint target;

  TcpConnectChecker(CheckContext ctx, Endpoint target) {
    this.ctx = ctx;
    this.target = target;
  }

  @Override
  public Future<CheckResult> check(Duration timeout) {
    return TcpExchange.run(ctx, target, new ConnectOptions(), null, null, 0, timeout)
        .map(reply -> CheckResult.ok("TCP connect to " + target + ": connected"))
        .otherwise(e -> CheckResult.fail("TCP connect to " + target + ": " + e.getMessage()));
  }

  @Override
  public String describe() {
    return "tcp connect " + target;
  }
}
