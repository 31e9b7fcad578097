package io.vsd.director.cluster;

import io.vertx.core.json.JsonObject;
import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.Map;

/** A plain client of one director's admin API. */
final class Http {
  record Response(int status, String etag, String contentType, String body) {
    JsonObject json() {
      return new JsonObject(body);
    }
  }

  private final HttpClient http = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(3)).build();
  private final String base;

  Http(int port) {
    this.base = "http://127.0.0.1:" + port;
  }

  Response send(String method, String path, String body, String ifMatch) throws IOException, InterruptedException {
    HttpRequest.Builder b = HttpRequest.newBuilder(URI.create(base + path)).timeout(Duration.ofSeconds(20));
    b.header("Authorization", io.vsd.director.TestTokens.bearer());
    if (body != null) {
      b.header("Content-Type", "application/json");
    }
    if (ifMatch != null) {
      b.header("If-Match", ifMatch);
    }
    b.method(method, body == null ? HttpRequest.BodyPublishers.noBody() : HttpRequest.BodyPublishers.ofString(body));
    HttpResponse<String> r = http.send(b.build(), HttpResponse.BodyHandlers.ofString());
    return new Response(r.statusCode(), r.headers().firstValue("ETag").orElse(null),
        r.headers().firstValue("Content-Type").orElse(""), r.body());
  }

  Response get(String path) throws IOException, InterruptedException {
    return send("GET", path, null, null);
  }

  /** Service address to the weight of each real server, as this director has the table now. */
  Map<String, Map<String, Integer>> table() throws IOException, InterruptedException {
    Map<String, Map<String, Integer>> table = new LinkedHashMap<>();
    for (Object o : get("/api/v1/services").json().getJsonArray("services")) {
      JsonObject s = (JsonObject) o;
      Map<String, Integer> servers = new LinkedHashMap<>();
      s.getJsonArray("servers").forEach(r -> servers.put(((JsonObject) r).getString("address"),
          ((JsonObject) r).getInteger("weight")));
      table.put(s.getString("address"), servers);
    }
    return table;
  }

  long version() throws IOException, InterruptedException {
    return get("/api/v1/services").json().getLong("version");
  }
}
