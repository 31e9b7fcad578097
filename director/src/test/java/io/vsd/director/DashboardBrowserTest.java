package io.vsd.director;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import io.vertx.core.Vertx;
import io.vertx.core.http.WebSocket;
import io.vertx.core.http.WebSocketClient;
import io.vertx.core.http.WebSocketClientOptions;
import io.vertx.core.http.WebSocketConnectOptions;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.io.IOException;
import java.net.InetAddress;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.Predicate;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/**
 * The dashboard in a real browser (docs/monitoring.md): headless Chromium, driven over the DevTools protocol,
 * shows the services, real servers, health, weights and rates, and a real server that stops shows up down, then
 * up again when it is back, live from the status stream and without a reload of the page.
 *
 * <p>Skipped only when no chromium is installed; bin/test installs Debian's chromium package, so CI runs it.
 */
@Timeout(value = 120, unit = TimeUnit.SECONDS)
class DashboardBrowserTest {
  /** Every wait on the browser or the director is bounded by this. */
  static final Duration WAIT = Duration.ofSeconds(25);

  @TempDir
  Path tmp;
  RunningDirector running;
  TestBackend a;
  TestBackend b;
  int vport;
  Process chromium;
  Vertx vertx;
  DevTools page;

  @BeforeEach
  void start() throws Exception {
    Path exe = chromium();
    assumeTrue(exe != null, "chromium is not installed (bin/test installs Debian's chromium package)");
    a = new TestBackend("A");
    b = new TestBackend("B");
    vport = RunningDirector.freePort();
    running = RunningDirector.start(tmp, """
        services:
          - address: 127.0.0.1:%d
            scheduler: wrr
            check: {type: tcp, interval: 200ms, fall: 2, rise: 2, timeout: 150ms}
            servers:
              - {address: %s, weight: 3}
              - {address: %s, weight: 1}
        """.formatted(vport, a.address(), b.address()));
    vertx = Vertx.vertx();
    long t0 = System.nanoTime();
    page = DevTools.open(vertx, launch(exe), dashboardUrl());
    System.out.printf("dashboard: chromium's page target after %d ms%n", (System.nanoTime() - t0) / 1_000_000);
  }

  @AfterEach
  void stop() throws Exception {
    if (page != null) {
      page.close();
    }
    if (vertx != null) {
      vertx.close().await(5, TimeUnit.SECONDS);
    }
    if (chromium != null) {
      // Chromium's helpers (zygote, renderers, GPU process) are its descendants: end them too, by their ids.
      List<ProcessHandle> all = new ArrayList<>(chromium.descendants().toList());
      chromium.destroy();
      if (!chromium.waitFor(5, TimeUnit.SECONDS)) {
        chromium.destroyForcibly().waitFor(5, TimeUnit.SECONDS);
      }
      all.forEach(p -> {
        if (p.isAlive()) {
          p.destroyForcibly();
        }
      });
    }
    if (running != null) {
      running.close();
    }
    if (a != null) {
      a.close();
    }
    if (b != null) {
      b.close();
    }
  }

  /** The page's address, with the read-only token in its fragment, where the page takes it from. */
  String dashboardUrl() {
    return "http://127.0.0.1:" + running.director.adminPort() + "/dashboard#token=" + TestTokens.READ_ONLY;
  }

  String service() {
    return "tcp/127.0.0.1:" + vport;
  }

  /** chromium (Debian) or chromium-browser on the PATH; null when there is neither. */
  static Path chromium() {
    String path = System.getenv().getOrDefault("PATH", "/usr/bin:/bin");
    for (String name : List.of("chromium", "chromium-browser")) {
      for (String dir : path.split(":")) {
        Path p = Path.of(dir.isEmpty() ? "." : dir, name);
        if (Files.isExecutable(p)) {
          return p;
        }
      }
    }
    return null;
  }

  /** Starts headless Chromium on the dashboard, with a fresh profile; returns the DevTools port it chose. */
  int launch(Path exe) throws Exception {
    Path profile = Files.createDirectories(tmp.resolve("chromium-profile"));
    List<String> cmd = new ArrayList<>(List.of(exe.toString(), "--headless", "--remote-debugging-port=0",
        "--user-data-dir=" + profile, "--no-first-run", "--no-default-browser-check", "--disable-gpu",
        "--disable-extensions", "--disable-background-networking", "--disable-component-update"));
    if ("root".equals(System.getProperty("user.name"))) {
      cmd.add("--no-sandbox"); // Chromium refuses to run its sandbox as root
    }
    cmd.add(dashboardUrl());
    chromium = new ProcessBuilder(cmd).redirectErrorStream(true)
        .redirectOutput(tmp.resolve("chromium.log").toFile()).start();
    // Chromium writes the port it bound, and its browser target, once it listens.
    Path active = profile.resolve("DevToolsActivePort");
    long deadline = System.nanoTime() + WAIT.toNanos();
    while (true) {
      if (Files.exists(active)) {
        List<String> lines = Files.readAllLines(active);
        if (!lines.isEmpty() && !lines.get(0).isBlank()) {
          return Integer.parseInt(lines.get(0).trim());
        }
      }
      assertTrue(chromium.isAlive(), "chromium exited: " + log());
      assertTrue(System.nanoTime() < deadline, "no DevToolsActivePort from chromium within " + WAIT + ": " + log());
      Thread.sleep(100);
    }
  }

  String log() {
    try {
      String text = Files.readString(tmp.resolve("chromium.log"));
      return text.length() > 4000 ? text.substring(text.length() - 4000) : text;
    } catch (IOException e) {
      return "(no log: " + e + ")";
    }
  }

  /** A page target over the DevTools protocol: Runtime.evaluate, one request at a time, each bounded. */
  static final class DevTools implements AutoCloseable {
    private final WebSocketClient client;
    private final WebSocket socket;
    private final AtomicInteger ids = new AtomicInteger();
    private final Map<Integer, CompletableFuture<JsonObject>> pending = new ConcurrentHashMap<>();

    private DevTools(WebSocketClient client, WebSocket socket) {
      this.client = client;
      this.socket = socket;
      socket.textMessageHandler(text -> {
        JsonObject msg = new JsonObject(text);
        CompletableFuture<JsonObject> f = msg.containsKey("id") ? pending.remove(msg.getInteger("id")) : null;
        if (f != null) {
          f.complete(msg);
        }
      });
    }

    /** Finds the page that shows {@code url} (listed by Chromium's /json/list) and opens its WebSocket. */
    static DevTools open(Vertx vertx, int port, String url) throws Exception {
      HttpClient http = HttpClient.newHttpClient();
      long deadline = System.nanoTime() + WAIT.toNanos();
      String ws = null;
      JsonArray targets = null;
      while (ws == null) {
        assertTrue(System.nanoTime() < deadline, "no page target for " + url + ": " + targets);
        try {
          HttpResponse<String> r = http.send(HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + port + "/json/list"))
              .timeout(Duration.ofSeconds(5)).build(), HttpResponse.BodyHandlers.ofString());
          targets = new JsonArray(r.body());
          for (Object o : targets) {
            JsonObject t = (JsonObject) o;
            if ("page".equals(t.getString("type")) && t.getString("url", "").startsWith(url)) {
              ws = t.getString("webSocketDebuggerUrl");
            }
          }
        } catch (IOException e) {
          targets = new JsonArray().add(e.toString());
        }
        if (ws == null) {
          Thread.sleep(100);
        }
      }
      URI uri = URI.create(ws);
      WebSocketClient client = vertx.createWebSocketClient(new WebSocketClientOptions()
          .setMaxFrameSize(16 << 20).setMaxMessageSize(16 << 20));
      // No Origin header: Chromium refuses DevTools connections from origins it was not told to allow.
      WebSocket socket = client.connect(new WebSocketConnectOptions().setHost(uri.getHost()).setPort(uri.getPort())
          .setURI(uri.getPath()).setAllowOriginHeader(false)).await(WAIT.toSeconds(), TimeUnit.SECONDS);
      return new DevTools(client, socket);
    }

    /** The value of a JavaScript expression in the page (JSON-able), or null. */
    Object evaluate(String expression) throws Exception {
      int id = ids.incrementAndGet();
      CompletableFuture<JsonObject> reply = new CompletableFuture<>();
      pending.put(id, reply);
      socket.writeTextMessage(new JsonObject().put("id", id).put("method", "Runtime.evaluate")
          .put("params", new JsonObject().put("expression", expression).put("returnByValue", true)).encode())
          .await(5, TimeUnit.SECONDS);
      JsonObject r = reply.get(10, TimeUnit.SECONDS);
      JsonObject result = r.getJsonObject("result", new JsonObject());
      assertTrue(!r.containsKey("error") && !result.containsKey("exceptionDetails"), "evaluate failed: " + r);
      return result.getJsonObject("result", new JsonObject()).getValue("value");
    }

    @Override
    public void close() throws Exception {
      socket.close().await(5, TimeUnit.SECONDS);
      client.close().await(5, TimeUnit.SECONDS);
    }
  }

  /**
   * What the page shows for one real server, read from its DOM: the row's health state, its cells, and whether
   * the page is the one first loaded (a marker set on it survives only while it is not reloaded).
   */
  JsonObject row(String server) throws Exception {
    String key = service();
    Object v = page.evaluate("""
        (() => {
          const row = document.getElementById(%s);
          const section = document.getElementById(%s);
          if (!row || !section) return null;
          const cell = c => row.querySelector("td." + c);
          return {
            state: row.dataset.state,
            badge: cell("health").textContent,
            weight: cell("weight").textContent,
            effective: cell("effective").textContent,
            cps: Number(cell("cps").dataset.value || -1),
            inBps: Number(cell("in").dataset.value || -1),
            outBps: Number(cell("out").dataset.value || -1),
            active: cell("active").textContent,
            title: section.querySelector("h2").textContent,
            live: document.getElementById("live").textContent,
            sameDocument: window.__vsdTestMarker === true
          };
        })()
        """.formatted(js("server-" + key + "-" + server), js("service-" + key)));
    return v instanceof JsonObject o ? o : null;
  }

  /** A JavaScript string literal. */
  static String js(String s) {
    return "\"" + s.replace("\\", "\\\\").replace("\"", "\\\"") + "\"";
  }

  /** Reads the row until it is as wanted, for at most {@link #WAIT}. */
  JsonObject awaitRow(String server, String what, Predicate<JsonObject> wanted) throws Exception {
    long start = System.nanoTime();
    long deadline = start + WAIT.toNanos();
    JsonObject last = null;
    while (System.nanoTime() < deadline) {
      last = row(server);
      if (last != null && wanted.test(last)) {
        System.out.printf("dashboard: %s %s after %d ms%n", server, what, (System.nanoTime() - start) / 1_000_000);
        return last;
      }
      Thread.sleep(200);
    }
    throw new AssertionError("the dashboard did not show " + server + " " + what + " within " + WAIT + "; it shows "
        + last + "\nchromium: " + log());
  }

  @Test
  void aHealthChangeShowsUpLiveAndSoDoTheRates() throws Exception {
    // First paint: the service with its scheduler, each real server up with its weights.
    JsonObject first = awaitRow(a.address(), "up", r -> "up".equals(r.getString("state")) && "live".equals(r.getString("live")));
    assertEquals("3", first.getString("weight"));
    assertEquals("3", first.getString("effective"));
    assertTrue(first.getString("title").contains(service()) && first.getString("title").contains("wrr"), first.encode());
    JsonObject other = awaitRow(b.address(), "up", r -> "up".equals(r.getString("state")));
    assertEquals("1", other.getString("weight"));
    page.evaluate("window.__vsdTestMarker = true");

    // Traffic: the connection and byte rates come with the stats events (IPVS's estimator, every 2 s).
    for (int i = 0; i < 40; i++) {
      try (TestClient c = new TestClient("127.0.0.1", vport)) {
        c.greeting();
        c.echo("hello dashboard");
      }
    }
    JsonObject rates = awaitRow(a.address(), "with connection and byte rates",
        r -> r.getDouble("cps") > 0 && r.getDouble("inBps") > 0 && r.getDouble("outBps") > 0);
    assertTrue(rates.getBoolean("sameDocument"), "the page was not reloaded");

    // The real server stops: down on the page, its effective weight 0, live.
    int port = a.port();
    a.close();
    JsonObject down = awaitRow(a.address(), "down", r -> "down".equals(r.getString("state")));
    assertEquals("down", down.getString("badge"));
    assertEquals("0", down.getString("effective"));
    assertEquals("3", down.getString("weight"), "the configured weight stays");
    assertTrue(down.getBoolean("sameDocument"), "shown without a reload");
    assertEquals("up", row(b.address()).getString("state"), "the other real server stays up");

    // Back on its port: up again, with its weight, still the same page.
    a = new TestBackend("A", InetAddress.getLoopbackAddress(), port);
    JsonObject up = awaitRow(a.address(), "up again", r -> "up".equals(r.getString("state")) && "3".equals(r.getString("effective")));
    assertEquals("up", up.getString("badge"));
    assertTrue(up.getBoolean("sameDocument"), "shown without a reload");
  }
}
