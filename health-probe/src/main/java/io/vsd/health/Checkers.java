package io.vsd.health;

import io.vertx.core.json.JsonObject;
import io.vsd.services.model.CheckSpec;
import io.vsd.services.model.Endpoint;

/** Makes the checker of an effective check: one small class per type. */
final class Checkers {
  private Checkers() {}

  static Checker create(CheckContext ctx, CheckSpec spec, Endpoint target) {
    JsonObject p = spec.params();
    return switch (spec.type()) {
      case "tcp" -> p.containsKey("send") || p.containsKey("expect")
          ? new TcpExpectChecker(ctx, target, p.getString("send"), p.getString("expect"))
          : new TcpConnectChecker(ctx, target);
      case "http" -> new HttpChecker(ctx, target, false, p);
      case "https" -> new HttpChecker(ctx, target, true, p);
      case "udp" -> new UdpChecker(ctx, target, p.getString("send"), p.getString("expect"), p.getString("prefix"));
      case "dns" -> new DnsChecker(ctx, target, p.getString("query"), p.getString("qtype"));
      case "exec" -> new ExecChecker(ctx, target, p.getValue("command"), p.getBoolean("dynamicWeight", false));
      case "agent" -> new AgentChecker(ctx, target, p.getString("send"));
      default -> throw new IllegalArgumentException("unknown check type " + spec.type());
    };
  }
}
