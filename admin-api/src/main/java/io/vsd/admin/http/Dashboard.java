package io.vsd.admin.http;

import io.vertx.core.Handler;
import io.vertx.core.buffer.Buffer;
import io.vertx.ext.web.RoutingContext;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;

/**
 * The dashboard at {@code /dashboard}: one static HTML page with its script inline (no build step, nothing
 * fetched from elsewhere), which reads {@code GET /api/v1/services} and then follows {@code /api/v1/events}.
 */
final class Dashboard {
  private static final String RESOURCE = "dashboard.html";
  private static volatile Buffer page;

  private Dashboard() {}

  static Handler<RoutingContext> handler() {
    Buffer html = page();
    return ctx -> ctx.response()
        .putHeader("Content-Type", "text/html; charset=utf-8")
        .putHeader("Cache-Control", "no-cache")
        .putHeader("Content-Security-Policy", "default-src 'self'; style-src 'self' 'unsafe-inline'; "
            + "script-src 'self' 'unsafe-inline'")
        .end(html);
  }

  static Buffer page() {
    Buffer p = page;
    if (p == null) {
      try (InputStream in = Dashboard.class.getResourceAsStream(RESOURCE)) {
        if (in == null) {
          throw new IllegalStateException("missing resource " + RESOURCE);
        }
        p = Buffer.buffer(in.readAllBytes());
      } catch (IOException e) {
        throw new UncheckedIOException(e);
      }
      page = p;
    }
    return p;
  }
}
