package io.vsd.director;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.vertx.core.json.JsonObject;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/**
 * A whole director in this JVM, real backends and real client sockets on loopback, driven through the admin
 * API as an operator would.
 */
@Timeout(value = 60, unit = TimeUnit.SECONDS)
class ForwardingEndToEndTest {
  @TempDir
  Path tmp;
  final List<TestBackend> backends = new ArrayList<>();
  RunningDirector running;
  AdminClient api;
  int vport;
  String service;

  @BeforeEach
  void start() throws Exception {
    for (String name : List.of("A", "B", "C")) {
      backends.add(new TestBackend(name));
    }
    running = RunningDirector.start(tmp, "services: []");
    api = running.admin;
    vport = RunningDirector.freePort();
    service = "/api/v1/services/tcp/127.0.0.1:" + vport;
  }

  @AfterEach
  void stop() throws Exception {
    if (running != null) {
      running.close();
    }
    for (TestBackend b : backends) {
      b.close();
    }
  }

  void createService(String scheduler, int... weights) throws Exception {
    StringBuilder servers = new StringBuilder();
    for (int i = 0; i < weights.length; i++) {
      servers.append(i == 0 ? "" : ",").append("{\"address\":\"").append(backends.get(i).address())
          .append("\",\"weight\":").append(weights[i]).append('}');
    }
    AdminClient.Response r = api.post("/api/v1/services", "{\"address\":\"127.0.0.1:" + vport + "\",\"scheduler\":\""
        + scheduler + "\",\"servers\":[" + servers + "]}");
    assertEquals(201, r.status(), r.body());
    assertEquals("listening", r.json().getString("listener"));
  }

  String names(int connections) throws Exception {
    StringBuilder sb = new StringBuilder();
    for (int i = 0; i < connections; i++) {
      sb.append(TestClient.nameOf(vport));
    }
    return sb.toString();
  }

  @Test
  void roundRobinOverThreeBackends() throws Exception {
    createService("rr", 1, 1, 1);
    assertEquals("ABCABCABC", names(9));
  }

  @Test
  void weightedRoundRobinFollowsTheKernelCycle() throws Exception {
    createService("wrr", 4, 3, 2);
    assertEquals("AABABCABC", names(9));
  }

  @Test
  void weightZeroQuiescesButKeepsOpenConnections() throws Exception {
    createService("rr", 1, 1, 1);
    try (TestClient open = new TestClient("127.0.0.1", vport)) {
      assertEquals("A", open.greeting());
      AdminClient.Response r = api.put(service + "/servers/" + backends.get(0).address(),
          "{\"address\":\"" + backends.get(0).address() + "\",\"weight\":0}");
      assertEquals(200, r.status(), r.body());
      assertEquals("BCBCBC", names(6), "no new connection goes to the quiescent server");
      assertEquals("still here", open.echo("still here"), "the open connection keeps working");
      JsonObject a = api.get(service + "/servers/" + backends.get(0).address()).json();
      assertEquals(0, a.getInteger("weight"));
      assertEquals(1, a.getInteger("activeConns"), "the open connection still counts as ActiveConn");
    }
  }

  @Test
  void liveEditsApplyToTheNextConnection() throws Exception {
    createService("rr", 1, 1);
    assertEquals("AB", names(2));
    AdminClient.Response added = api.post(service + "/servers", "{\"address\":\"" + backends.get(2).address() + "\"}");
    assertEquals(201, added.status(), added.body());
    assertEquals("ABC", names(3), "a new server set starts again from the head, and includes C");
    assertEquals(200, api.put(service, "{\"address\":\"127.0.0.1:" + vport + "\",\"scheduler\":\"wrr\"}").status());
    assertEquals(204, api.delete(service + "/servers/" + backends.get(0).address()).status());
    assertEquals("BCBC", names(4));
    assertEquals(204, api.delete(service).status());
    assertTrue(refused(vport), "a deleted service stops listening");
  }

  @Test
  void aDeadRealServerCostsNoClientConnection() throws Exception {
    int dead = RunningDirector.freePort();
    AdminClient.Response r = api.post("/api/v1/services", "{\"address\":\"127.0.0.1:" + vport + "\",\"scheduler\":\"rr\","
        + "\"servers\":[{\"address\":\"127.0.0.1:" + dead + "\"},{\"address\":\"" + backends.get(0).address() + "\"},"
        + "{\"address\":\"" + backends.get(1).address() + "\"}]}");
    assertEquals(201, r.status());
    String seen = names(30);
    assertEquals(30, seen.length(), "every one of 30 connections reached a live server: " + seen);
    assertTrue(seen.contains("A") && seen.contains("B"));
    JsonObject deadServer = api.get(service + "/servers/127.0.0.1:" + dead).json();
    assertEquals(0, deadServer.getInteger("activeConns") + deadServer.getInteger("inactConns"));
  }

  @Test
  void restartKeepsRunTimeChangesUntilTheConfigFileChanges() throws Exception {
    createService("wrr", 4, 3, 2);
    assertEquals(200, api.put(service + "/servers/" + backends.get(1).address(),
        "{\"address\":\"" + backends.get(1).address() + "\",\"weight\":7}").status());
    JsonObject before = api.get(service).json();
    running.close();
    running = null;

    running = RunningDirector.start(tmp.resolve("vsd.yaml"));
    assertEquals(before, running.admin.get(service).json(), "the same config file: the saved table, with its edits");
    assertEquals("BBBABABAB", names(9), "wrr with the edited weights 4, 7, 2");
    running.close();
    running = null;

    running = RunningDirector.start(tmp, "# edited by the operator\nservices: []");
    assertEquals(404, running.admin.get(service).status(), "an edited config file replaces the saved table");
  }

  @Test
  void ipv6VirtualServiceInBrackets() throws Exception {
    AdminClient.Response r = api.post("/api/v1/services", "{\"address\":\"[::1]:" + vport + "\",\"scheduler\":\"rr\","
        + "\"servers\":[{\"address\":\"" + backends.get(0).address() + "\"},{\"address\":\"" + backends.get(1).address() + "\"}]}");
    assertEquals(201, r.status(), r.body());
    assertEquals("[::1]:" + vport, r.json().getString("address"));
    StringBuilder seen = new StringBuilder();
    for (int i = 0; i < 4; i++) {
      try (TestClient c = new TestClient("::1", vport)) {
        seen.append(c.greeting());
      }
    }
    assertEquals("ABAB", seen.toString());
    AdminClient.Response one = api.get("/api/v1/services/tcp/%5B::1%5D:" + vport);
    assertEquals(200, one.status(), one.body());
    assertEquals(2, one.json().getJsonArray("servers").size());
  }

  static boolean refused(int port) {
    try (TestClient c = new TestClient("127.0.0.1", port)) {
      return c.greeting() == null;
    } catch (java.io.IOException e) {
      return true;
    }
  }
}
