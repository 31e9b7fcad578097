package io.vsd.admin.http;

import io.vertx.core.Handler;
import io.vertx.core.http.HttpMethod;
import io.vertx.ext.web.RoutingContext;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * The admin API's gate (docs/admin-api.md, "Authentication"), first on the router, so that no route is reachable
 * without it: every request needs {@code Authorization: Bearer TOKEN}, except {@code GET /livez}, the static
 * {@code /dashboard} page (it holds no data) and the {@code /} redirect. A read-only token may GET, HEAD and
 * follow the streams; anything else needs an admin token. The streams alone also take the token as the
 * {@code access_token} query parameter (RFC 6750 2.3), since a browser's EventSource and SockJS cannot set headers.
 */
final class AuthHandler implements Handler<RoutingContext> {
  static final String QUERY_PARAM = "access_token";
  private static final Pattern BEARER = Pattern.compile("(?i)bearer +([^\\s]+)\\s*");
  private static final String REALM = "Bearer realm=\"vsd\"";

  private final AdminTokens tokens;

  AuthHandler(AdminTokens tokens) {
    this.tokens = tokens;
  }

  /** Paths that anyone may GET: liveness for probes that hold no secret, and the dashboard's static page. */
  static boolean isOpen(String path) {
    return path.equals("/livez") || path.equals("/dashboard") || path.equals("/");
  }

  /** The status streams: the SSE stream and the SockJS bridge (whose transports also POST). */
  static boolean isStream(HttpMethod method, String path) {
    return (method == HttpMethod.GET && path.equals("/api/v1/events"))
        || path.equals("/eventbus") || path.startsWith("/eventbus/");
  }

  @Override
  public void handle(RoutingContext ctx) {
    HttpMethod method = ctx.request().method();
    String path = ctx.normalizedPath();
    boolean read = method == HttpMethod.GET || method == HttpMethod.HEAD;
    if (read && isOpen(path)) {
      ctx.next();
      return;
    }
    boolean stream = isStream(method, path);
    String header = ctx.request().getHeader("Authorization");
    List<String> query = ctx.queryParam(QUERY_PARAM);
    if (!query.isEmpty() && (header != null || query.size() > 1)) {
      invalidRequest(ctx, "give the token once: in the Authorization header, or in " + QUERY_PARAM + " for a stream");
      return;
    }
    if (!query.isEmpty() && !stream) {
      invalidRequest(ctx, QUERY_PARAM + " in the URL is taken by the streams only (/api/v1/events, /eventbus); "
          + "send the header Authorization: Bearer TOKEN");
      return;
    }
    String token;
    if (header != null) {
      Matcher m = BEARER.matcher(header);
      if (!m.matches()) {
        unauthorized(ctx, REALM + ", error=\"invalid_request\"",
            "the Authorization header must be \"Bearer TOKEN\" (docs/admin-api.md)");
        return;
      }
      token = m.group(1);
    } else if (!query.isEmpty()) {
      token = query.get(0);
    } else {
      unauthorized(ctx, REALM, "this API needs a token: send the header Authorization: Bearer TOKEN "
          + "(docs/admin-api.md)");
      return;
    }
    Role role = tokens.roleOf(token);
    if (role == null) {
      unauthorized(ctx, REALM + ", error=\"invalid_token\"", "the token is not valid on this director");
      return;
    }
    if (role == Role.READ_ONLY && !read && !stream) {
      ctx.response().putHeader("WWW-Authenticate", REALM + ", error=\"insufficient_scope\"");
      ProblemResponse.send(ctx, 403, "forbidden", "Forbidden", "a read-only token cannot change anything: "
          + method + " " + ctx.request().path() + " needs an admin token");
      return;
    }
    ctx.next();
  }

  private static void unauthorized(RoutingContext ctx, String challenge, String detail) {
    ctx.response().putHeader("WWW-Authenticate", challenge);
    ProblemResponse.send(ctx, 401, "unauthorized", "Unauthorized", detail);
  }

  private static void invalidRequest(RoutingContext ctx, String detail) {
    ctx.response().putHeader("WWW-Authenticate", REALM + ", error=\"invalid_request\"");
    ProblemResponse.send(ctx, 400, "invalid-request", "Invalid request", detail);
  }
}
