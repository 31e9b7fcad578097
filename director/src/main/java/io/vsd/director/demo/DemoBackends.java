package io.vsd.director.demo;

import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.core.http.HttpServer;
import java.util.ArrayList;
import java.util.List;

/**
 * Three small HTTP servers on 127.0.0.1:9001-9003 for `bin/vsd --demo`, each answering with its own name, so
 * that a newcomer sees the scheduler at work with nothing but curl.
 */
public final class DemoBackends {
  public static final int FIRST_PORT = 9001;
  public static final int COUNT = 3;

  private DemoBackends() {}

  public static Future<List<HttpServer>> start(Vertx vertx) {
    List<Future<HttpServer>> started = new ArrayList<>();
    for (int i = 0; i < COUNT; i++) {
      int port = FIRST_PORT + i;
      String body = "hello from real server " + (i + 1) + " (127.0.0.1:" + port + ")\n";
      started.add(vertx.createHttpServer()
          .requestHandler(req -> req.response().putHeader("Content-Type", "text/plain").end(body))
          .listen(port, "127.0.0.1"));
    }
    return Future.all(started).map(all -> all.list());
  }
}
