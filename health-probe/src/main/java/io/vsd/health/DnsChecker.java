package io.vsd.health;

import io.vertx.core.Future;
import io.vsd.services.model.Endpoint;
import io.vsd.services.model.HealthJson;
import java.time.Duration;
import java.util.concurrent.ThreadLocalRandom;

/**
 * {@code dns}: a query for {@code query} of type {@code qtype} (default A) over UDP to the real server, up when
 * the reply's RCODE is NOERROR. The packet is built here (the reply's header is all that is read), because
 * Vert.x's DnsClient cannot be pointed at a different server per query without a client per server.
 */
final class DnsChecker implements Checker {
  private final CheckContext ctx;
  private final Endpoint target;
  private final String name;
  private final String qtypeName;
  private final int qtype;

  DnsChecker(CheckContext ctx, Endpoint target, String name, String qtype) {
    this.ctx = ctx;
    this.target = target;
    this.name = name;
    this.qtypeName = qtype == null ? "A" : qtype;
    Integer known = HealthJson.QTYPES.get(this.qtypeName);
    this.qtype = known != null ? known : Integer.parseInt(this.qtypeName);
  }

  @Override
  public Future<CheckResult> check(Duration timeout) {
    int id = ThreadLocalRandom.current().nextInt(0x10000);
    return DatagramExchange.run(ctx, target, DnsMessage.query(id, name, qtype), data -> {
          DnsMessage.Reply r = DnsMessage.parse(data);
          return r != null && r.id() == id && r.response();
        }, timeout)
        .map(data -> {
          DnsMessage.Reply r = DnsMessage.parse(data);
          String got = describe() + ": " + r.rcodeName() + ", " + r.answers() + " answer" + (r.answers() == 1 ? "" : "s");
          return r.rcode() == 0 ? CheckResult.ok(got) : CheckResult.fail(got + ", expected NOERROR");
        })
        .otherwise(e -> CheckResult.fail(describe() + ": " + e.getMessage()));
  }

  @Override
  public String describe() {
    return "dns " + target + " " + name + " " + qtypeName;
  }
}
