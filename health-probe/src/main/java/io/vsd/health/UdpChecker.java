package io.vsd.health;

import io.vertx.core.Future;
import io.vertx.core.buffer.Buffer;
import io.vsd.services.model.Endpoint;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.regex.Pattern;

/**
 * {@code udp}: send {@code send} in one datagram, up when a reply arrives that matches {@code expect} (a regex,
 * searched) or starts with {@code prefix}; with neither, any reply will do. Silence until the timeout is down.
 */
final class UdpChecker implements Checker {
  private final CheckContext ctx;
  private final Endpoint target;
  private final String send;
  private final Pattern expect;
  private final String prefix;

  UdpChecker(CheckContext ctx, Endpoint target, String send, String expect, String prefix) {
    this.ctx = ctx;
    this.target = target;
    this.send = send;
    this.expect = expect == null ? null : Pattern.compile(expect);
    this.prefix = prefix;
  }

  @Override
  public Future<CheckResult> check(Duration timeout) {
    String[] last = {null};
    return DatagramExchange.run(ctx, target, Buffer.buffer(send.getBytes(StandardCharsets.UTF_8)), data -> {
          String text = new String(data.getBytes(), StandardCharsets.UTF_8);
          last[0] = text;
          return expect != null ? expect.matcher(text).find() : prefix == null || text.startsWith(prefix);
        }, timeout)
        .map(data -> CheckResult.ok(describe() + ": got " + TcpExpectChecker.quote(last[0])))
        .otherwise(e -> CheckResult.fail(describe() + ": " + e.getMessage()
            + (last[0] == null ? "" : "; last reply " + TcpExpectChecker.quote(last[0]) + " did not match")));
  }

  @Override
  public String describe() {
    return "udp " + target + " send " + TcpExpectChecker.quote(send)
        + (expect != null ? " expect " + TcpExpectChecker.quote(expect.pattern())
        : prefix != null ? " prefix " + TcpExpectChecker.quote(prefix) : "");
  }
}
