package io.vsd.health;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;

import io.vertx.core.Vertx;
import io.vertx.core.json.JsonObject;
import io.vsd.eventbus.Addresses;
import io.vsd.eventbus.HealthEvent;
import io.vsd.eventbus.TableCommands;
import io.vsd.services.table.ServiceTable;
import io.vsd.services.table.ServiceTableVerticle;
import io.vsd.services.table.TableStore;
import java.io.IOException;
import java.net.Socket;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.Predicate;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * The health verticle with the real table verticle, real backends on loopback that change behaviour, and the
 * {@code vsd.health} events it publishes, each stamped with the time it arrived.
 */
@Timeout(value = 30, unit = TimeUnit.SECONDS)
class HealthProbeVerticleTest {
  record Seen(HealthEvent event, long nanos) {}

  Vertx vertx;
  final List<Seen> events = new CopyOnWriteArrayList<>();
  final List<TestServer> servers = new ArrayList<>();

  @BeforeEach
  void start() {
    vertx = Vertx.vertx();
    vertx.eventBus().<JsonObject>localConsumer(Addresses.HEALTH,
        m -> events.add(new Seen(HealthEvent.fromJson(m.body()), System.nanoTime()))).completion().await();
    vertx.deployVerticle(new ServiceTableVerticle(ServiceTable.EMPTY, TableStore.NONE, "test")).await();
    vertx.deployVerticle(new HealthProbeVerticle("director-7", true)).await();
  }

  @AfterEach
  void stop() throws Exception {
    vertx.close().await(10, TimeUnit.SECONDS);
    for (TestServer s : servers) {
      s.close();
    }
  }

  TestServer server(TestServer.Behaviour b) throws IOException {
    TestServer s = new TestServer(b);
    servers.add(s);
    return s;
  }

  void command(String action, String service, String body) {
    JsonObject cmd = new JsonObject().put("action", action).put("service", service)
        .put("body", body == null ? null : new JsonObject(body));
    JsonObject reply = vertx.eventBus().<JsonObject>request(Addresses.TABLE, cmd).await().body();
    if (!reply.getBoolean("ok")) {
      fail(reply.encode());
    }
  }

  void service(int port, String check, String... servers) {
    StringBuilder list = new StringBuilder();
    for (String s : servers) {
      list.append(list.isEmpty() ? "" : ",").append("{\"address\":\"").append(s).append("\"}");
    }
    command(TableCommands.ADD_SERVICE, null, "{\"address\":\"127.0.0.1:" + port + "\",\"check\":" + check
        + ",\"servers\":[" + list + "]}");
  }

  JsonObject status() {
    return vertx.eventBus().<JsonObject>request(Addresses.HEALTH_STATUS, new JsonObject()).await().body();
  }

  JsonObject view(String service, String server) {
    return status().getJsonObject("services").getJsonObject(service).getJsonObject("servers").getJsonObject(server);
  }

  Seen await(Predicate<HealthEvent> p, long ms) throws InterruptedException {
    long deadline = System.nanoTime() + ms * 1_000_000;
    while (true) {
      for (Seen s : events) {
        if (p.test(s.event())) {
          return s;
        }
      }
      if (System.nanoTime() >= deadline) {
        return null;
      }
      Thread.sleep(5);
    }
  }

  static Predicate<HealthEvent> transition(String server, String to) {
    return e -> e.kind().equals(HealthEvent.KIND_STATE) && server.equals(e.server()) && to.equals(e.newState());
  }

  void awaitChecks(String service, String server, int successes) throws InterruptedException {
    long deadline = System.currentTimeMillis() + 5000;
    while (view(service, server).getInteger("successes") < successes) {
      if (System.currentTimeMillis() > deadline) {
        fail("no " + successes + " successful checks of " + server + ": " + view(service, server).encode());
      }
      Thread.sleep(10);
    }
  }

  @Test
  void everyWayOfFailingTakesAServerDownWithinASecond() throws Exception {
    TestServer closes = server(TestServer.http(200, "ok"));
    TestServer hangs = server(TestServer.http(200, "ok"));
    TestServer errors = server(TestServer.http(200, "ok"));
    TestServer wrongBody = server(TestServer.http(200, "ok"));
    String check = "{\"type\":\"http\",\"path\":\"/health\",\"body\":\"^ok$\",\"interval\":\"200ms\",\"fall\":2,"
        + "\"timeout\":\"150ms\"}";
    service(8080, check, closes.address(), hangs.address(), errors.address(), wrongBody.address());
    for (TestServer s : List.of(closes, hangs, errors, wrongBody)) {
      awaitChecks("tcp/127.0.0.1:8080", s.address(), 2);
    }
    assertTrue(events.isEmpty(), "servers start up (no alpha): nothing to publish " + events);

    long t0 = System.nanoTime();
    closes.closeListener();
    hangs.behave(TestServer::silent);
    errors.behave(TestServer.http(500, "ok"));
    wrongBody.behave(TestServer.http(200, "maintenance"));
    for (TestServer s : List.of(closes, hangs, errors, wrongBody)) {
      Seen down = await(transition(s.address(), "down"), 2000);
      assertNotNull(down, s.address() + " never went down: " + events);
      long ms = (down.nanos() - t0) / 1_000_000;
      System.out.println("removal of " + s.address() + " (" + down.event().reason() + ") took " + ms + " ms");
      assertTrue(ms < 1000, s.address() + " went down after " + ms + " ms: " + down.event());
      HealthEvent e = down.event();
      assertEquals("tcp/127.0.0.1:8080", e.service());
      assertEquals("up", e.oldState());
      assertEquals("director-7", e.director());
      assertEquals(2, e.failures());
      assertEquals("check", e.source());
      assertNotNull(e.latencyMs());
      assertTrue(e.checker().startsWith("http GET http://" + s.address() + "/health"), e.checker());
    }
    assertTrue(await(transition(closes.address(), "down"), 0).event().reason().endsWith("connect: Connection refused"));
    assertTrue(await(transition(hangs.address(), "down"), 0).event().reason().contains("timed out after 150 ms"));
    assertTrue(await(transition(errors.address(), "down"), 0).event().reason().contains("500 X, expected 200-299"));
    assertTrue(await(transition(wrongBody.address(), "down"), 0).event().reason().contains("body does not match"));

    JsonObject v = view("tcp/127.0.0.1:8080", errors.address());
    assertEquals("down", v.getString("state"));
    assertFalse(v.getJsonObject("lastCheck").getBoolean("ok"));
    assertTrue(v.getInteger("failures") >= 2);
    assertTrue(v.getJsonObject("lastCheck").getDouble("latencyMs") >= 0);

    errors.behave(TestServer.http(200, "ok"));
    Seen up = await(transition(errors.address(), "up"), 3000);
    assertNotNull(up, "recovers: " + events);
    assertEquals(2, up.event().successes(), "rise 2");
  }

  @Test
  void riseAndFallKeepAFlappingServerWhereItIs() throws Exception {
    AtomicInteger n = new AtomicInteger();
    TestServer flapping = server(s -> TestServer.http(n.incrementAndGet() % 2 == 0 ? 500 : 200, "").serve(s));
    service(8081, "{\"type\":\"http\",\"interval\":\"50ms\",\"timeout\":\"1s\",\"rise\":2,\"fall\":2}", flapping.address());
    Thread.sleep(1500);
    assertTrue(n.get() >= 15, "checked " + n.get() + " times");
    assertTrue(events.isEmpty(), "pass, fail, pass...: never two failures in a row, never a transition: " + events);

    // Down, then a single success among failures: rise 2 keeps it down.
    flapping.behave(TestServer.http(500, ""));
    assertNotNull(await(transition(flapping.address(), "down"), 2000));
    AtomicInteger m = new AtomicInteger();
    flapping.behave(s -> TestServer.http(m.incrementAndGet() % 3 == 0 ? 200 : 500, "").serve(s));
    Thread.sleep(1000);
    assertTrue(m.get() >= 9, "checked " + m.get() + " times");
    assertEquals(1, events.size(), "one success in three never brings it back: " + events);
  }

  @Test
  void identicalChecksOfOneAddressRunOncePerInterval() throws Exception {
    TestServer shared = server(TestServer.http(200, ""));
    String check = "{\"type\":\"http\",\"interval\":\"100ms\",\"timeout\":\"1s\",\"jitter\":0}";
    service(8082, check, shared.address());
    service(8083, check, shared.address());
    service(8084, "{\"type\":\"http\",\"interval\":\"100ms\",\"timeout\":\"1s\",\"jitter\":0,\"path\":\"/other\"}", shared.address());
    Thread.sleep(300);
    JsonObject st = status();
    assertEquals(2, st.getInteger("probes"), "two distinct checks of one address: " + st.encodePrettily());
    int before = shared.accepted.get();
    Thread.sleep(1000);
    int checks = shared.accepted.get() - before;
    // Two probes at 100 ms: about 20 checks a second; three (no sharing) would be about 30.
    assertTrue(checks >= 14 && checks <= 24, checks + " checks in a second");
    assertEquals(view("tcp/127.0.0.1:8082", shared.address()).getString("checkId"),
        view("tcp/127.0.0.1:8083", shared.address()).getString("checkId"));

    shared.closeListener();
    assertNotNull(await(e -> transition(shared.address(), "down").test(e) && e.service().endsWith(":8082"), 2000));
    assertNotNull(await(e -> transition(shared.address(), "down").test(e) && e.service().endsWith(":8083"), 2000),
        "one probe, an event for each service that uses it");
  }

  @Test
  void alphaStartsDownUntilProvenUp() throws Exception {
    TestServer s = server(TestServer::silent);
    service(8085, "{\"type\":\"tcp\",\"alpha\":true,\"interval\":\"100ms\",\"timeout\":\"1s\",\"rise\":3}", s.address());
    Seen up = await(transition(s.address(), "up"), 3000);
    assertNotNull(up);
    assertEquals("down", up.event().oldState());
    assertEquals(3, up.event().successes());
  }

  @Test
  void agentWeightsArePublished() throws Exception {
    TestServer agent = server(TestServer.says("up 50%\n"));
    service(8086, "{\"type\":\"agent\",\"interval\":\"50ms\",\"timeout\":\"1s\"}", agent.address());
    Seen half = await(e -> e.kind().equals(HealthEvent.KIND_WEIGHT) && Integer.valueOf(50).equals(e.weightPercent()), 10000);
    assertNotNull(half, events + " " + status().encodePrettily());
    assertEquals("up", half.event().newState());
    agent.behave(TestServer.says("weight:9\n"));
    assertNotNull(await(e -> Integer.valueOf(9).equals(e.weight()) && e.weightPercent() == null, 10000));
    agent.behave(TestServer.says("maint\n"));
    assertNotNull(await(transition(agent.address(), "down"), 10000));
  }

  @Test
  void execCheckWithDynamicWeights() throws Exception {
    TestServer s = server(TestServer::silent);
    service(8087, "{\"type\":\"exec\",\"command\":\"exit 12\",\"dynamicWeight\":true,\"interval\":\"100ms\"}",
        s.address());
    Seen w = await(e -> Integer.valueOf(10).equals(e.weight()), 3000);
    assertNotNull(w, "exit 12 is weight 10: " + events);
    command(TableCommands.EDIT_SERVICE, "tcp/127.0.0.1:8087",
        "{\"address\":\"127.0.0.1:8087\",\"check\":{\"type\":\"exec\",\"command\":\"exit 1\",\"interval\":\"100ms\",\"fall\":1}}");
    Seen down = await(transition(s.address(), "down"), 3000);
    assertNotNull(down, "" + events);
    assertTrue(down.event().reason().endsWith("exit 1"), down.event().reason());
  }

  @Test
  void passiveReportTakesTheServerDownAtOnce() throws Exception {
    TestServer s = server(TestServer::silent);
    service(8088, "{\"type\":\"tcp\",\"interval\":\"5s\",\"downInterval\":\"5s\",\"fastInterval\":\"200ms\"}", s.address());
    awaitChecks("tcp/127.0.0.1:8088", s.address(), 1);
    String checkId = view("tcp/127.0.0.1:8088", s.address()).getString("checkId");
    vertx.eventBus().publish(Addresses.HEALTH_PASSIVE, new JsonObject().put("service", "tcp/127.0.0.1:8088")
        .put("server", s.address()).put("checkId", checkId).put("failures", 3).put("windowMs", 10000)
        .put("error", "Connection refused"));
    Seen down = await(transition(s.address(), "down"), 1000);
    assertNotNull(down);
    assertEquals("passive", down.event().source());
    assertTrue(down.event().reason().startsWith("passive: 3 connections failed in a row within 10 s"), down.event().reason());
    // The server is in fact fine: the probe checks again at the fast interval and brings it back (rise 2).
    Seen up = await(transition(s.address(), "up"), 2000);
    assertNotNull(up, "" + events);
    assertTrue((up.nanos() - down.nanos()) / 1_000_000 < 1500);
  }

  @Test
  void aServiceJoiningARunningProbeLearnsItsState() throws Exception {
    TestServer s = server(TestServer::silent);
    String check = "{\"type\":\"tcp\",\"interval\":\"100ms\",\"fall\":1}";
    service(8089, check, s.address());
    s.closeListener();
    assertNotNull(await(transition(s.address(), "down"), 2000));
    service(8090, check, s.address());
    Seen shared = await(e -> e.service().endsWith(":8090"), 1000);
    assertNotNull(shared);
    assertEquals("shared", shared.event().source());
    assertEquals("up", shared.event().oldState(), "what the scheduling verticle assumed");
    assertEquals("down", shared.event().newState());
  }

  static void unused(Socket s) {
  }
}
