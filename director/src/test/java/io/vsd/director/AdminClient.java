package io.vsd.director;

import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;

/** A plain HTTP client of the admin API, as any operator's script would be. */
final class AdminClient {
  record Response(int status, String contentType, String body) {
    JsonObject json() {
      return new JsonObject(body);
    }

    JsonArray array() {
      return new JsonArray(body);
    }
  }

  private final HttpClient http = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(3)).build();
  private final String base;

  AdminClient(int port) {
    this.base = "http://127.0.0.1:" + port;
  }

  Response send(String method, String path, String body) throws IOException, InterruptedException {
    return send(method, path, body, "application/json");
  }

  Response send(String method, String path, String body, String contentType) throws IOException, InterruptedException {
    HttpRequest.Builder b = HttpRequest.newBuilder(URI.create(base + path)).timeout(Duration.ofSeconds(10));
    b.header("Authorization", TestTokens.bearer());
    if (body != null) {
      b.header("Content-Type", contentType);
    }
    b.method(method, body == null ? HttpRequest.BodyPublishers.noBody() : HttpRequest.BodyPublishers.ofString(body));
    HttpResponse<String> r = http.send(b.build(), HttpResponse.BodyHandlers.ofString());
    return new Response(r.statusCode(), r.headers().firstValue("Content-Type").orElse(""), r.body());
  }

  Response get(String path) throws IOException, InterruptedException {
    return send("GET", path, null);
  }

  Response post(String path, String body) throws IOException, InterruptedException {
    return send("POST", path, body);
  }

  Response put(String path, String body) throws IOException, InterruptedException {
    return send("PUT", path, body);
  }

  Response delete(String path) throws IOException, InterruptedException {
    return send("DELETE", path, null);
  }
}
