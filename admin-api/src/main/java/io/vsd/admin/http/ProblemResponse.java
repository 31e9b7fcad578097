package io.vsd.admin.http;

import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.web.RoutingContext;

/** Writes RFC 9457 problem+json answers; every error of the admin API goes through here. */
final class ProblemResponse {
  private ProblemResponse() {}

  static final String CONTENT_TYPE = "application/problem+json";

  static void send(RoutingContext ctx, int status, String type, String title, String detail, JsonArray errors) {
    JsonObject body = new JsonObject()
        .put("type", "urn:vsd:problem:" + type)
        .put("title", title)
        .put("status", status)
        .put("detail", detail)
        .put("instance", ctx.request().path());
    if (errors != null && !errors.isEmpty()) {
      body.put("errors", errors);
    }
    if (!ctx.response().ended()) {
      ctx.response().setStatusCode(status).putHeader("Content-Type", CONTENT_TYPE).end(body.encodePrettily());
    }
  }

  static void send(RoutingContext ctx, int status, String type, String title, String detail) {
    send(ctx, status, type, title, detail, null);
  }

  /** Turns the table's refusal (docs/event-bus.md) into its HTTP answer. */
  static void refusal(RoutingContext ctx, JsonObject reply) {
    JsonArray problems = reply.getJsonArray("problems", new JsonArray());
    String detail = problems.isEmpty() ? "the request was refused"
        : problems.stream().map(p -> ((JsonObject) p).getString("detail")).reduce((a, b) -> a + "; " + b).orElse("");
    switch (reply.getString("kind", "INTERNAL")) {
      case "VALIDATION" -> send(ctx, 400, "validation", "Invalid request", detail, problems);
      case "NOT_FOUND" -> send(ctx, 404, "not-found", "Not found", detail);
      case "CONFLICT" -> send(ctx, 409, "conflict", "Already exists", detail);
      case "PRECONDITION_FAILED" -> send(ctx, 412, "precondition-failed", "Precondition failed", detail);
      default -> send(ctx, 500, "internal", "Internal error", detail);
    }
  }
}
