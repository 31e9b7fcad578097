package io.vsd.health;

import io.vertx.core.Future;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.net.ConnectOptions;
import io.vsd.services.model.Endpoint;
import java.nio.charset.StandardCharsets;
import java.time.Duration;

/**
 * {@code agent}, HAProxy's agent-check: connect to the agent (usually its own {@code port}), send {@code send}
 * if given, and read one line ({@link AgentReply}). The agent's state and weight apply; an agent that cannot be
 * reached, or closes without a line, counts as a failed check.
 */
final class AgentChecker implements Checker {
  private static final int MAX_LINE = 512;

  private final CheckContext ctx;
  private final Endpoint target;
  private final String send;

  AgentChecker(CheckContext ctx, Endpoint target, String send) {
    this.ctx = ctx;
    this.target = target;
    this.send = send;
  }

  @Override
  public Future<CheckResult> check(Duration timeout) {
    Buffer payload = send == null ? null : Buffer.buffer(send.getBytes(StandardCharsets.UTF_8));
    return TcpExchange.run(ctx, target, new ConnectOptions(), payload,
            data -> TcpExpectChecker.text(data).indexOf('\n') >= 0, MAX_LINE, timeout)
        .map(reply -> {
          String text = TcpExpectChecker.text(reply.data());
          int nl = text.indexOf('\n');
          String line = (nl >= 0 ? text.substring(0, nl) : text).replace("\r", "");
          if (line.isBlank()) {
            return CheckResult.fail(describe() + ": the agent closed without a reply");
          }
          AgentReply a = AgentReply.parse(line);
          String got = describe() + ": " + TcpExpectChecker.quote(a.words());
          return new CheckResult(!Boolean.FALSE.equals(a.state()), got, a.weight());
        })
        .otherwise(e -> CheckResult.fail(describe() + ": " + e.getMessage()));
  }

  @Override
  public String describe() {
    return "agent " + target;
  }
}
