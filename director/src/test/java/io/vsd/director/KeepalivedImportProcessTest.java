package io.vsd.director;

import static io.vsd.director.DirectorProcessTest.curl;
import static io.vsd.director.DirectorProcessTest.java;
import static io.vsd.director.DirectorProcessTest.run;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.sun.net.httpserver.HttpServer;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import io.vsd.director.DirectorProcessTest.Result;
import io.vsd.director.keepalived.KeepalivedFixture;
import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.security.MessageDigest;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.TimeUnit;
import java.util.function.Predicate;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/**
 * The keepalived migration as an operator runs it, as processes: {@code vsadm --import-keepalived FILE > out.yaml}
 * (bin/vsadm hands that flag to the director's main class, which these runs call), {@code vsd --check-config}, and a
 * director started on the result, whose converted HTTP_GET (with its digest), MISC_CHECK (with misc_dynamic),
 * quorum and sorry server are seen working against real backends.
 */
@Timeout(value = 180, unit = TimeUnit.SECONDS)
class KeepalivedImportProcessTest {
  @TempDir
  Path tmp;
  final List<HttpServer> backends = new ArrayList<>();
  final List<Process> processes = new ArrayList<>();
  final HttpClient http = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(2)).build();

  @AfterEach
  void cleanUp() {
    processes.forEach(Process::destroyForcibly);
    backends.forEach(b -> b.stop(0));
  }

  HttpServer backend(String name) throws IOException {
    HttpServer server = HttpServer.create(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0), 50);
    server.createContext("/", exchange -> {
      byte[] body = (exchange.getRequestURI().getPath().equals("/health") ? "ok\n" : name + "\n")
          .getBytes(StandardCharsets.UTF_8);
      exchange.sendResponseHeaders(200, body.length);
      exchange.getResponseBody().write(body);
      exchange.close();
    });
    server.start();
    backends.add(server);
    return server;
  }

  static String port(HttpServer s) {
    return String.valueOf(s.getAddress().getPort());
  }

  static String freePort() throws IOException {
    return String.valueOf(RunningDirector.freePort());
  }

  @Test
  void importedConfigurationRunsInADirector() throws Exception {
    HttpServer web1 = backend("web1");
    HttpServer web2 = backend("web2");
    HttpServer sorry = backend("sorry");
    Path script = tmp.resolve("check-db.sh");
    // misc_dynamic: exit 7 is up with weight 7 - 2 = 5.
    Files.writeString(script, "#!/bin/sh\nexit 7\n");
    Files.setPosixFilePermissions(script, PosixFilePermissions.fromString("rwxr-xr-x"));
    String webVip = freePort();
    String dbVip = freePort();
    String db1 = freePort();
    Path conf = KeepalivedFixture.write(Files.createDirectories(tmp.resolve("keepalived")), Map.ofEntries(
        Map.entry("WEB_VIP", webVip), Map.entry("SORRY", port(sorry)), Map.entry("WEB1", port(web1)),
        Map.entry("WEB2", port(web2)), Map.entry("DIGEST", md5("ok\n")), Map.entry("TLS_VIP", freePort()),
        Map.entry("TLS1", freePort()), Map.entry("DNS_VIP", freePort()), Map.entry("DNS1", freePort()),
        Map.entry("DNS2", freePort()), Map.entry("DB_VIP", dbVip), Map.entry("DB1", db1),
        Map.entry("DB2", freePort()), Map.entry("DB2_ADMIN", freePort()), Map.entry("CHECK_SCRIPT", script.toString())));

    // vsadm --import-keepalived FILE > out.yaml
    Result imported = run(java("io.vsd.director.Main", "--import-keepalived", conf.toString()));
    assertEquals(3, imported.exit(), "some keywords were listed, and a configuration printed:\n" + imported.err());
    List<String> listed = imported.err().lines().toList();
    assertEquals(10, listed.size(), imported.err());
    assertTrue(listed.subList(0, 9).stream().allMatch(l -> l.matches(".*keepalived.*\\.conf:\\d+: [A-Za-z_]+: .+")),
        "FILE:LINE: KEYWORD: WHY, one a line:\n" + imported.err());
    assertTrue(listed.get(9).startsWith("vsadm: 9 keywords were not carried over"), listed.get(9));
    Path out = tmp.resolve("out.yaml");
    Files.writeString(out, imported.out());

    // bin/vsd --check-config out.yaml
    Result check = run(java("io.vsd.director.Main", "--check-config", out.toString()));
    assertEquals(0, check.exit(), check.err() + "\n" + imported.out());
    assertEquals("Configuration file " + out + " is valid: 4 virtual services, 7 real servers\n", check.out());

    // bin/vsd --config out.yaml
    int admin = RunningDirector.freePort();
    director(out, admin);
    String web = "/api/v1/services/tcp/127.0.0.1:" + webVip;
    assertTrue(Set.of("web1\n", "web2\n").contains(curl(Integer.parseInt(webVip)).out()), "served by a real server");
    // Both real servers pass the converted HTTP_GET, digest included.
    JsonObject service = await(admin, web, s -> servers(s).stream()
        .allMatch(r -> lastCheckOk(r)), "both web servers pass their http check");
    assertEquals("http", service.getJsonObject("check").getString("type"));
    // The MISC_CHECK ran the script (alpha: down until it passes) and took its weight from the exit status.
    await(admin, "/api/v1/services/tcp/127.0.0.1:" + dbVip, s -> servers(s).stream()
        .anyMatch(r -> r.getString("address").endsWith(":" + db1) && "up".equals(health(r).getString("state"))
            && r.getInteger("effectiveWeight") == 5), "the exec check is up with weight 5");

    // Both web servers die: below the quorum, the sorry server serves.
    web1.stop(0);
    web2.stop(0);
    long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(30);
    String got = "";
    while (System.nanoTime() < deadline && !got.equals("sorry\n")) {
      Thread.sleep(200);
      got = curl(Integer.parseInt(webVip)).out();
    }
    assertEquals("sorry\n", got, "the converted sorry_server takes over once the quorum is lost");
  }

  @Test
  void malformedFileGivesOneLineAndExitOne() throws Exception {
    Path conf = tmp.resolve("keepalived.conf");
    Files.writeString(conf, "virtual_server 127.0.0.1 80 {\n  real_server 127.0.0.1 8080 {\n    weight 1\n}\n");
    Result r = run(java("io.vsd.director.Main", "--import-keepalived", conf.toString()));
    assertEquals(1, r.exit());
    assertEquals("", r.out());
    assertEquals("vsadm: " + conf + ":1: unbalanced braces: the virtual_server block opened here is never closed"
        + " (a } is missing)\n", r.err());
    Result vsd = run(java("io.vsd.director.Main", "import-keepalived", conf.toString()));
    assertEquals(1, vsd.exit());
    assertTrue(vsd.err().startsWith("vsd: " + conf + ":1: unbalanced braces"), vsd.err());
  }

  void director(Path config, int adminPort) throws Exception {
    Process p = new ProcessBuilder(java("io.vsd.director.Main", "--config", config.toString(),
        "--admin", "127.0.0.1:" + adminPort, "--state-dir", tmp.resolve("state").toString()))
        .redirectErrorStream(true).start();
    processes.add(p);
    BufferedReader out = new BufferedReader(new InputStreamReader(p.getInputStream(), StandardCharsets.UTF_8));
    long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(90);
    StringBuilder seen = new StringBuilder();
    while (System.nanoTime() < deadline) {
      String line = out.readLine();
      if (line == null) {
        break;
      }
      seen.append(line).append('\n');
      if (line.contains("admin API on")) {
        Thread.ofVirtual().start(() -> {
          try {
            out.lines().forEach(l -> { });
          } catch (java.io.UncheckedIOException closed) {
            // the process was stopped at the end of the test
          }
        });
        return;
      }
    }
    throw new AssertionError("the director did not start on the imported configuration:\n" + seen);
  }

  JsonObject await(int admin, String path, Predicate<JsonObject> ready, String what) throws Exception {
    long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(45);
    JsonObject last = null;
    while (System.nanoTime() < deadline) {
      HttpResponse<String> r;
      try {
        r = http.send(HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + admin + path))
            .timeout(Duration.ofSeconds(10)).build(), HttpResponse.BodyHandlers.ofString());
      } catch (IOException slow) {
        continue; // a loaded machine: ask again until the deadline
      }
      if (r.statusCode() == 200) {
        last = new JsonObject(r.body());
        if (ready.test(last)) {
          return last;
        }
      }
      Thread.sleep(200);
    }
    throw new AssertionError(what + ": not within 45 s; last seen: " + (last == null ? null : last.encodePrettily()));
  }

  static List<JsonObject> servers(JsonObject service) {
    JsonArray a = service.getJsonArray("servers");
    List<JsonObject> out = new ArrayList<>();
    for (int i = 0; i < a.size(); i++) {
      out.add(a.getJsonObject(i));
    }
    return out;
  }

  static JsonObject health(JsonObject server) {
    JsonObject h = server.getJsonObject("health");
    return h == null ? new JsonObject() : h;
  }

  static boolean lastCheckOk(JsonObject server) {
    JsonObject last = health(server).getJsonObject("lastCheck");
    return last != null && Boolean.TRUE.equals(last.getBoolean("ok"));
  }

  static String md5(String body) throws Exception {
    return HexFormat.of().formatHex(MessageDigest.getInstance("MD5").digest(body.getBytes(StandardCharsets.UTF_8)));
  }
}
