package io.vsd.director;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.vertx.core.Vertx;
import io.vertx.core.http.UpgradeRejectedException;
import io.vertx.core.http.WebSocket;
import io.vertx.core.http.WebSocketClient;
import io.vertx.core.http.WebSocketConnectOptions;
import io.vertx.core.json.JsonObject;
import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.net.ConnectException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/**
 * The admin API's auth matrix (docs/admin-api.md, "Authentication") against a real director: no token, a wrong
 * token, a read-only token and an admin token, on the REST API, the SSE stream, the SockJS bridge and /metrics.
 */
@Timeout(value = 60, unit = TimeUnit.SECONDS)
class AuthEndToEndTest {
  static final String WRONG = "not-a-token-of-this-director";

  @TempDir
  Path tmp;
  RunningDirector running;
  ServerSocket backend;
  int vport;
  Vertx client;
  final HttpClient http = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(3)).build();

  @BeforeEach
  void start() throws Exception {
    backend = new ServerSocket(0, 50, InetAddress.getLoopbackAddress());
    vport = RunningDirector.freePort();
    running = RunningDirector.start(tmp, """
        services:
          - address: 127.0.0.1:%d
            servers:
              - {address: 127.0.0.1:%d}
        """.formatted(vport, backend.getLocalPort()));
  }

  @AfterEach
  void stop() throws Exception {
    if (client != null) {
      client.close().await(5, TimeUnit.SECONDS);
    }
    running.close();
    backend.close();
  }

  String base() {
    return "http://127.0.0.1:" + running.director.adminPort();
  }

  HttpResponse<String> send(String method, String path, String token, String body) throws Exception {
    HttpRequest.Builder b = HttpRequest.newBuilder(URI.create(base() + path)).timeout(Duration.ofSeconds(10));
    if (token != null) {
      b.header("Authorization", "Bearer " + token);
    }
    if (body != null) {
      b.header("Content-Type", "application/json");
    }
    b.method(method, body == null ? HttpRequest.BodyPublishers.noBody() : HttpRequest.BodyPublishers.ofString(body));
    return http.send(b.build(), HttpResponse.BodyHandlers.ofString());
  }

  /** A 401 with its challenge and a problem document. */
  static void assertUnauthorized(HttpResponse<String> r, String detailPart) {
    assertEquals(401, r.statusCode(), r.body());
    assertTrue(r.headers().firstValue("WWW-Authenticate").orElse("").startsWith("Bearer realm=\"vsd\""),
        r.headers().toString());
    assertEquals("application/problem+json", r.headers().firstValue("Content-Type").orElse(""));
    JsonObject problem = new JsonObject(r.body());
    assertEquals(401, problem.getInteger("status"));
    assertTrue(problem.getString("detail").contains(detailPart), problem.getString("detail"));
  }

  String table() throws Exception {
    return running.admin.get("/api/v1/services").body();
  }

  @Test
  void restApi() throws Exception {
    String before = table();
    String service = "/api/v1/services/tcp/127.0.0.1:" + vport;
    String add = "{\"address\": \"127.0.0.1:1\", \"weight\": 2}";
    for (String[] call : new String[][] {{"GET", "/api/v1/services"}, {"GET", service}, {"GET", "/api/v1/info"},
        {"POST", service + "/servers"}, {"DELETE", "/api/v1/services"}, {"GET", "/api/v1/no-such-thing"}}) {
      String body = call[0].equals("POST") ? add : null;
      assertUnauthorized(send(call[0], call[1], null, body), "needs a token");
      assertUnauthorized(send(call[0], call[1], WRONG, body), "not valid");
    }
    assertEquals(200, send("GET", service, TestTokens.READ_ONLY, null).statusCode());
    for (String[] call : new String[][] {{"POST", service + "/servers"}, {"PUT", service}, {"DELETE", service},
        {"DELETE", "/api/v1/services"}, {"POST", "/api/v1/stats/zero"}, {"POST", "/api/v1/batch"}}) {
      HttpResponse<String> r = send(call[0], call[1], TestTokens.READ_ONLY, call[0].equals("DELETE") ? null : add);
      assertEquals(403, r.statusCode(), call[0] + " " + call[1] + ": " + r.body());
      assertEquals("application/problem+json", r.headers().firstValue("Content-Type").orElse(""));
      assertEquals("a read-only token cannot change anything: " + call[0] + " " + call[1] + " needs an admin token",
          new JsonObject(r.body()).getString("detail"));
    }
    // A Basic header, or the token in the URL where only the streams take it, is refused and changes nothing.
    HttpResponse<String> basic = http.send(HttpRequest.newBuilder(URI.create(base() + service + "/servers"))
        .header("Authorization", "Basic YWRtaW46YWRtaW4=").header("Content-Type", "application/json")
        .POST(HttpRequest.BodyPublishers.ofString(add)).build(), HttpResponse.BodyHandlers.ofString());
    assertUnauthorized(basic, "must be \"Bearer TOKEN\"");
    HttpResponse<String> inUrl = send("POST", service + "/servers?access_token=" + TestTokens.ADMIN, null, add);
    assertEquals(400, inUrl.statusCode());
    assertTrue(new JsonObject(inUrl.body()).getString("detail").contains("taken by the streams only"), inUrl.body());
    assertEquals(before, table(), "nothing changed");

    assertEquals(201, send("POST", service + "/servers", TestTokens.ADMIN, add).statusCode());
    assertTrue(table().contains("127.0.0.1:1"));
  }

  @Test
  void anUnauthenticatedBodyIsNotReadNorMeasured() throws Exception {
    // The gate comes before the body handler: 401, not 413, for a body over the limit.
    String big = "{\"pad\": \"" + "x".repeat(200 * 1024) + "\"}";
    assertUnauthorized(send("POST", "/api/v1/services", null, big), "needs a token");
    assertEquals(413, send("POST", "/api/v1/services", TestTokens.ADMIN, big).statusCode());
  }

  @Test
  void livenessAndTheDashboardPageAreOpenAndHoldNoData() throws Exception {
    HttpResponse<String> live = send("GET", "/livez", null, null);
    assertEquals(200, live.statusCode());
    assertEquals("ok\n", live.body());
    HttpResponse<String> page = send("GET", "/dashboard", null, null);
    assertEquals(200, page.statusCode());
    assertTrue(!page.body().contains("127.0.0.1:" + vport), "the page carries no table");
    assertUnauthorized(send("POST", "/livez", null, null), "needs a token");
  }

  @Test
  void metrics() throws Exception {
    assertUnauthorized(send("GET", "/metrics", null, null), "needs a token");
    assertUnauthorized(send("GET", "/metrics", WRONG, null), "not valid");
    // Prometheus sends a header (authorization: in its scrape config): the URL is no place for a token here.
    assertEquals(400, send("GET", "/metrics?access_token=" + TestTokens.ADMIN, null, null).statusCode());
    for (String token : new String[] {TestTokens.READ_ONLY, TestTokens.ADMIN}) {
      HttpResponse<String> r = send("GET", "/metrics", token, null);
      assertEquals(200, r.statusCode());
      assertTrue(r.body().contains("vsd_"), "a scrape");
    }
  }

  /** The first line of an SSE stream, read with a bound. */
  static String firstLine(HttpResponse<java.io.InputStream> r) throws IOException {
    BufferedReader in = new BufferedReader(new InputStreamReader(r.body(), StandardCharsets.UTF_8));
    return in.readLine();
  }

  HttpResponse<java.io.InputStream> events(String query, String token) throws Exception {
    HttpRequest.Builder b = HttpRequest.newBuilder(URI.create(base() + "/api/v1/events" + query));
    if (token != null) {
      b.header("Authorization", "Bearer " + token);
    }
    return http.send(b.build(), HttpResponse.BodyHandlers.ofInputStream());
  }

  @Test
  void serverSentEvents() throws Exception {
    HttpResponse<java.io.InputStream> none = events("", null);
    assertEquals(401, none.statusCode());
    assertTrue(none.headers().firstValue("WWW-Authenticate").orElse("").startsWith("Bearer"));
    none.body().close();
    HttpResponse<java.io.InputStream> wrong = events("?access_token=" + WRONG, null);
    assertEquals(401, wrong.statusCode());
    wrong.body().close();
    HttpResponse<java.io.InputStream> both = events("?access_token=" + TestTokens.READ_ONLY, TestTokens.READ_ONLY);
    assertEquals(400, both.statusCode(), "one way at a time (RFC 6750)");
    both.body().close();

    HttpResponse<java.io.InputStream> header = events("?topics=config", TestTokens.READ_ONLY);
    assertEquals(200, header.statusCode());
    assertTrue(firstLine(header).startsWith(": vsd status stream"));
    header.body().close();

    // As a browser's EventSource does: the token in the URL, read-only.
    HttpResponse<java.io.InputStream> query = events("?topics=config&access_token=" + TestTokens.READ_ONLY, null);
    assertEquals(200, query.statusCode());
    BufferedReader in = new BufferedReader(new InputStreamReader(query.body(), StandardCharsets.UTF_8));
    assertTrue(in.readLine().startsWith(": vsd status stream"));
    assertEquals(201, running.admin.post("/api/v1/services/tcp/127.0.0.1:" + vport + "/servers",
        "{\"address\": \"127.0.0.1:2\"}").status());
    String line;
    while ((line = in.readLine()) != null && !line.startsWith("data: ")) {
      // the event's name line, and comments
    }
    assertNotNull(line);
    assertTrue(line.contains("127.0.0.1:2"), line);
    query.body().close();
  }

  WebSocket bridge(String uri, String token) throws Exception {
    if (client == null) {
      client = Vertx.vertx();
    }
    WebSocketClient ws = client.createWebSocketClient();
    WebSocketConnectOptions o = new WebSocketConnectOptions().setHost("127.0.0.1")
        .setPort(running.director.adminPort()).setURI(uri);
    if (token != null) {
      o.addHeader("Authorization", "Bearer " + token);
    }
    return ws.connect(o).await(10, TimeUnit.SECONDS);
  }

  static int rejected(org.junit.jupiter.api.function.Executable connect) {
    Throwable t = assertThrows(Throwable.class, connect);
    while (!(t instanceof UpgradeRejectedException) && t.getCause() != null) {
      t = t.getCause();
    }
    return assertInstanceOf(UpgradeRejectedException.class, t).getStatus();
  }

  @Test
  void sockJsBridge() throws Exception {
    assertEquals(401, rejected(() -> bridge("/eventbus/websocket", null)));
    assertEquals(401, rejected(() -> bridge("/eventbus/websocket", WRONG)));
    assertEquals(401, rejected(() -> bridge("/eventbus/websocket?access_token=" + WRONG, null)));
    assertEquals(401, send("GET", "/eventbus/info", null, null).statusCode());
    assertEquals(200, send("GET", "/eventbus/info?access_token=" + TestTokens.READ_ONLY, null, null).statusCode());
    // SockJS's HTTP transports POST; a read-only token may, since the bridge takes nothing inbound.
    assertEquals(200, send("POST", "/eventbus/000/abcdefgh/xhr?access_token=" + TestTokens.READ_ONLY, null, null)
        .statusCode());

    // A browser's SockJS client puts the token in the URL; a read-only token follows the status addresses.
    WebSocket socket = bridge("/eventbus/websocket?access_token=" + TestTokens.READ_ONLY, null);
    BlockingQueue<JsonObject> frames = new LinkedBlockingQueue<>();
    socket.handler(b -> frames.add(new JsonObject(b.toString(StandardCharsets.UTF_8))));
    socket.writeTextMessage(new JsonObject().put("type", "register").put("address", "vsd.config").encode())
        .await(5, TimeUnit.SECONDS);
    long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(10);
    JsonObject frame = null;
    int n = 2;
    // Registration is asynchronous on the director's side: change until an event arrives (bounded).
    while (frame == null && System.nanoTime() < deadline) {
      assertEquals(201, running.admin.post("/api/v1/services/tcp/127.0.0.1:" + vport + "/servers",
          "{\"address\": \"127.0.0.1:" + n++ + "\"}").status());
      frame = frames.poll(500, TimeUnit.MILLISECONDS);
    }
    assertNotNull(frame, "a config event over the bridge");
    assertEquals("vsd.config", frame.getString("address"));

    WebSocket admin = bridge("/eventbus/websocket", TestTokens.ADMIN);
    admin.close().await(5, TimeUnit.SECONDS);
  }

  @Test
  void theAdminApiListensOnTheAddressItIsGivenOnly() throws Exception {
    // Bound to 127.0.0.1, it is not reachable on another loopback address, let alone beyond the host.
    int port = running.director.adminPort();
    try (Socket s = new Socket()) {
      s.connect(new InetSocketAddress("127.0.0.1", port), 2000);
    }
    try (Socket s = new Socket()) {
      assertThrows(ConnectException.class, () -> s.connect(new InetSocketAddress("127.0.0.2", port), 2000));
    }
  }
}
