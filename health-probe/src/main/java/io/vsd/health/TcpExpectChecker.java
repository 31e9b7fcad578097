package io.vsd.health;

import io.vertx.core.Future;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.net.ConnectOptions;
import io.vsd.services.model.Endpoint;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.regex.Pattern;

/**
 * {@code tcp} with {@code send} and/or {@code expect}: connect, send a string, and read until what arrived matches
 * a regular expression (SMTP's {@code ^220}, Redis's {@code PING} / {@code \+PONG}). Without {@code expect}, any
 * reply will do; without {@code send}, the server speaks first.
 */
final class TcpExpectChecker implements Checker {
  static final int MAX_REPLY = 64 * 1024;

  private final CheckContext ctx;
  private final Endpoint target;
  private final String send;
  private final Pattern expect;

  TcpExpectChecker(CheckContext ctx, Endpoint target, String send, String expect) {
    this.ctx = ctx;
    this.target = target;
    this.send = send;
    this.expect = expect == null ? null : Pattern.compile(expect);
  }

  @Override
  public Future<CheckResult> check(Duration timeout) {
    Buffer payload = send == null ? null : Buffer.buffer(send.getBytes(StandardCharsets.UTF_8));
    return TcpExchange.run(ctx, target, new ConnectOptions(), payload,
            data -> expect == null ? data.length() > 0 : expect.matcher(text(data)).find(), MAX_REPLY, timeout)
        .map(reply -> {
          String text = text(reply.data());
          if (expect == null ? text.isEmpty() : !expect.matcher(text).find()) {
            return CheckResult.fail(describe() + ": connection closed after " + quote(text)
                + (expect == null ? "" : ", which does not match " + quote(expect.pattern())));
          }
          return CheckResult.ok(describe() + ": got " + quote(text));
        })
        .otherwise(e -> CheckResult.fail(describe() + ": " + e.getMessage()));
  }

  static String text(Buffer data) {
    return new String(data.getBytes(), StandardCharsets.UTF_8);
  }

  /** A reply cut to a readable length, control characters escaped. */
  static String quote(String s) {
    String cut = s.length() > 80 ? s.substring(0, 80) + "..." : s;
    StringBuilder sb = new StringBuilder("\"");
    for (char c : cut.toCharArray()) {
      switch (c) {
        case '\r' -> sb.append("\\r");
        case '\n' -> sb.append("\\n");
        case '\t' -> sb.append("\\t");
        case '"' -> sb.append("\\\"");
        default -> sb.append(c < 0x20 ? String.format("\\x%02x", (int) c) : String.valueOf(c));
      }
    }
    return sb.append('"').toString();
  }

  @Override
  public String describe() {
    return "tcp " + target + (send == null ? "" : " send " + quote(send))
        + (expect == null ? "" : " expect " + quote(expect.pattern()));
  }
}
