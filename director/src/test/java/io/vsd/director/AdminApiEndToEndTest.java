package io.vsd.director;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.vertx.core.json.JsonObject;
import java.nio.file.Path;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/** The admin API over real HTTP: every kind of bad input gets a problem+json 4xx and changes nothing. */
class AdminApiEndToEndTest {
  @TempDir
  static Path tmp;
  static RunningDirector running;
  static AdminClient api;

  @BeforeAll
  static void start() throws Exception {
    running = RunningDirector.start(tmp, """
        services:
          - address: 127.0.0.1:%d
            scheduler: rr
            servers:
              - address: 127.0.0.1:9
        """.formatted(RunningDirector.freePort()));
    api = running.admin;
  }

  @AfterAll
  static void stop() throws Exception {
    running.close();
  }

  static String servicePath() throws Exception {
    JsonObject s = api.get("/api/v1/services").json().getJsonArray("services").getJsonObject(0);
    return "/api/v1/services/tcp/" + s.getString("address");
  }

  @ParameterizedTest(name = "{0}")
  @CsvSource(delimiter = '|', quoteCharacter = '`', value = {
      "unknown scheduler | POST | /api/v1/services | {\"address\":\"127.0.0.1:18080\",\"scheduler\":\"fastest\"} | 400 | unknown scheduler \"fastest\"",
      "port above 65535 | POST | /api/v1/services | {\"address\":\"127.0.0.1:65536\"} | 400 | port must be between 1 and 65535, got 65536",
      "port 0 | POST | /api/v1/services | {\"address\":\"127.0.0.1:0\"} | 400 | port must be between 1 and 65535, got 0",
      "malformed address | POST | /api/v1/services | {\"address\":\"127.0.0.256:80\"} | 400 | malformed address",
      "IPv6 without brackets | POST | /api/v1/services | {\"address\":\"::1:80\"} | 400 | write IPv6 addresses in brackets",
      "weight above 65535 | POST | /api/v1/services | {\"address\":\"127.0.0.1:18081\",\"servers\":[{\"address\":\"127.0.0.1:1\",\"weight\":65536}]} | 400 | weight must be an integer between 0 and 65535",
      "negative weight | POST | /api/v1/services | {\"address\":\"127.0.0.1:18081\",\"servers\":[{\"address\":\"127.0.0.1:1\",\"weight\":-1}]} | 400 | weight must be an integer between 0 and 65535",
      "duplicate server in body | POST | /api/v1/services | {\"address\":\"127.0.0.1:18082\",\"servers\":[{\"address\":\"127.0.0.1:1\"},{\"address\":\"127.0.0.1:1\"}]} | 400 | duplicate real server",
      "not JSON | POST | /api/v1/services | {\"address\": | 400 | the body is not valid JSON",
      "JSON but not an object | POST | /api/v1/services | [1,2] | 400 | the body must be a JSON object",
      "route forwarding | POST | /api/v1/services | {\"address\":\"127.0.0.1:18083\",\"servers\":[{\"address\":\"127.0.0.1:1\",\"forward\":\"route\"}]} | 400 | forwarding method route (-g) is not available yet",
      "unknown field | POST | /api/v1/services | {\"address\":\"127.0.0.1:18084\",\"schedular\":\"rr\"} | 400 | unknown field \"schedular\"",
      "unknown service | GET | /api/v1/services/tcp/127.0.0.1:1 | | 404 | no virtual service tcp/127.0.0.1:1",
      "unknown service delete | DELETE | /api/v1/services/tcp/127.0.0.1:1 | | 404 | no virtual service tcp/127.0.0.1:1",
      "unknown protocol | GET | /api/v1/services/sctp/127.0.0.1:1 | | 404 | protocol must be tcp or udp",
      "unknown path | GET | /api/v1/nothing | | 404 | no resource at /api/v1/nothing",
  })
  void badInputIsRefusedAndChangesNothing(String name, String method, String path, String body, int status,
                                          String detail) throws Exception {
    JsonObject before = api.get("/api/v1/services").json();
    AdminClient.Response r = api.send(method, path, body);
    assertEquals(status, r.status(), r.body());
    assertEquals("application/problem+json", r.contentType());
    JsonObject problem = r.json();
    assertEquals(status, problem.getInteger("status"));
    assertTrue(problem.getString("detail").contains(detail), problem.getString("detail"));
    assertEquals(before, api.get("/api/v1/services").json(), "nothing changed");
  }

  @Test
  void everyInvalidFieldIsListed() throws Exception {
    AdminClient.Response r = api.post("/api/v1/services",
        "{\"address\":\"127.0.0.1:99999\",\"scheduler\":\"x\",\"servers\":[{\"address\":\"1.2.3\"}]}");
    assertEquals(400, r.status());
    assertEquals(3, r.json().getJsonArray("errors").size(), r.body());
    assertEquals("/servers/0/address", r.json().getJsonArray("errors").getJsonObject(2).getString("pointer"));
  }

  @Test
  void duplicatesConflict() throws Exception {
    String path = servicePath();
    JsonObject service = api.get(path).json();
    AdminClient.Response dup = api.post("/api/v1/services", "{\"address\":\"" + service.getString("address") + "\"}");
    assertEquals(409, dup.status());
    assertEquals("application/problem+json", dup.contentType());
    assertTrue(dup.json().getString("detail").contains("already exists"));
    AdminClient.Response dupServer = api.post(path + "/servers", "{\"address\":\"127.0.0.1:9\"}");
    assertEquals(409, dupServer.status());
    assertEquals(service, api.get(path).json(), "nothing changed");
  }

  @Test
  void unknownServerIsNotFound() throws Exception {
    String path = servicePath();
    assertEquals(404, api.put(path + "/servers/127.0.0.1:1", "{\"address\":\"127.0.0.1:1\",\"weight\":2}").status());
    assertEquals(404, api.delete(path + "/servers/127.0.0.1:1").status());
    AdminClient.Response r = api.get(path + "/servers/127.0.0.1:1");
    assertEquals(404, r.status());
    assertEquals("application/problem+json", r.contentType());
  }

  @Test
  void oversizedBodyIsRefused() throws Exception {
    String big = "{\"address\":\"127.0.0.1:18090\",\"pad\":\"" + "x".repeat(70_000) + "\"}";
    AdminClient.Response r = api.post("/api/v1/services", big);
    assertEquals(413, r.status());
    assertEquals("application/problem+json", r.contentType());
    assertEquals(404, api.get("/api/v1/services/tcp/127.0.0.1:18090").status());
  }

  @Test
  void nonJsonMediaTypeIsRefused() throws Exception {
    AdminClient.Response r = api.send("POST", "/api/v1/services", "{\"address\":\"127.0.0.1:18091\"}", "text/plain");
    assertEquals(415, r.status());
    assertEquals(404, api.get("/api/v1/services/tcp/127.0.0.1:18091").status());
  }

  @Test
  void invalidEditKeepsTheOldServer() throws Exception {
    String path = servicePath();
    AdminClient.Response r = api.put(path + "/servers/127.0.0.1:9", "{\"address\":\"127.0.0.1:9\",\"weight\":70000}");
    assertEquals(400, r.status());
    assertEquals(1, api.get(path + "/servers/127.0.0.1:9").json().getInteger("weight"));
  }

  @Test
  void wrongMethodIsNotAllowed() throws Exception {
    AdminClient.Response r = api.send("PATCH", "/api/v1/services", "{}");
    assertEquals(405, r.status());
    assertEquals("application/problem+json", r.contentType());
  }
}
