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

/** Persistence (-p, -M) and thresholds (-x, -y) through the real data plane, with real client sockets. */
@Timeout(value = 60, unit = TimeUnit.SECONDS)
class PersistenceEndToEndTest {
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
    running.close();
    for (TestBackend b : backends) {
      b.close();
    }
  }

  String servers(String extra) {
    StringBuilder sb = new StringBuilder();
    for (int i = 0; i < backends.size(); i++) {
      sb.append(i == 0 ? "" : ",").append("{\"address\":\"").append(backends.get(i).address()).append('"')
          .append(i == 0 ? extra : "").append('}');
    }
    return sb.toString();
  }

  void create(String persistence, String firstServerExtra) throws Exception {
    AdminClient.Response r = api.post("/api/v1/services", "{\"address\":\"127.0.0.1:" + vport + "\",\"scheduler\":\"rr\""
        + (persistence == null ? "" : ",\"persistence\":" + persistence)
        + ",\"servers\":[" + servers(firstServerExtra) + "]}");
    assertEquals(201, r.status(), r.body());
  }

  @Test
  void clientsOfOneNetmaskStickToOneRealServer() throws Exception {
    create("{\"timeout\":300,\"netmask\":\"255.255.255.0\"}", "");
    StringBuilder seen = new StringBuilder();
    for (int i = 0; i < 3; i++) {
      for (String from : List.of("127.0.0.1", "127.0.0.2", "127.0.0.3")) {
        seen.append(TestClient.nameOf(from, vport));
      }
    }
    assertEquals("AAAAAAAAA", seen.toString(), "127.0.0.0/24 is one persistence client");
    JsonObject a = api.get(service + "/servers/" + backends.get(0).address()).json();
    assertEquals(1, a.getInteger("persistConns"), a.encode());
  }

  @Test
  void theHostMaskKeepsClientsApartAndARemovedServerReschedules() throws Exception {
    create("{\"timeout\":300}", "");
    String two = TestClient.nameOf("127.0.0.2", vport);
    String three = TestClient.nameOf("127.0.0.3", vport);
    assertNotEquals(two, three, "each host its own template, rr between them");
    for (int i = 0; i < 4; i++) {
      assertEquals(two, TestClient.nameOf("127.0.0.2", vport));
      assertEquals(three, TestClient.nameOf("127.0.0.3", vport));
    }
    String gone = backends.get(two.charAt(0) - 'A').address();
    assertEquals(204, api.delete(service + "/servers/" + gone).status());
    String moved = TestClient.nameOf("127.0.0.2", vport);
    assertNotEquals(two, moved, "its server is gone: the client is scheduled again");
    assertEquals(moved, TestClient.nameOf("127.0.0.2", vport), "and sticks to the new one");
  }

  @Test
  void upperThresholdOverloadsAServerUntilItDrainsBelowThreeQuarters() throws Exception {
    backends.remove(2).close();
    create(null, ",\"upper\":1");
    try (TestClient first = new TestClient("127.0.0.1", vport)) {
      assertEquals("A", first.greeting());
      assertEquals("BB", TestClient.nameOf(vport) + TestClient.nameOf(vport), "A holds its 1 connection: OVERLOADED");
      JsonObject a = api.get(service + "/servers/" + backends.get(0).address()).json();
      assertEquals(1, a.getInteger("upper"));
      assertEquals(1, a.getInteger("activeConns"));
    }
    long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(5);
    while (api.get(service + "/servers/" + backends.get(0).address()).json().getInteger("activeConns") > 0) {
      assertTrue(System.nanoTime() < deadline, "the director saw the close");
      Thread.sleep(20);
    }
    assertEquals("A", TestClient.nameOf(vport), "0 * 4 < 1 * 3: available again, and rr's turn");
  }
}
