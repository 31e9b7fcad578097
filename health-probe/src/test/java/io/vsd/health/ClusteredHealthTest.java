package io.vsd.health;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;

import io.vertx.core.Vertx;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import io.vsd.eventbus.Addresses;
import io.vsd.eventbus.HealthEvent;
import io.vsd.eventbus.TableCommands;
import io.vsd.eventbus.cluster.SharedMap;
import io.vsd.services.table.ServiceTable;
import io.vsd.services.table.ServiceTableVerticle;
import io.vsd.services.table.TableStore;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;
import java.util.function.BiConsumer;
import java.util.function.Predicate;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * The health verticle of one director of a cluster (docs/cluster.md), with the cluster played by a membership
 * view that the test sets and a shared map in memory: it probes only the checks it owns, follows the owner's
 * state of the others, keeps passive detection local, and takes a check over without a flap.
 */
@Timeout(value = 30, unit = TimeUnit.SECONDS)
class ClusteredHealthTest {
  /** The cluster's map, in memory; listeners are called on a thread of their own, as Hazelcast's are. */
  static final class Shared implements SharedMap {
    final Map<String, String> values = new ConcurrentHashMap<>();
    final List<BiConsumer<String, String>> listeners = new CopyOnWriteArrayList<>();

    @Override
    public String get(String key) {
      return values.get(key);
    }

    @Override
    public void put(String key, String value, long ttlMillis) {
      values.put(key, value);
      Thread.ofVirtual().start(() -> listeners.forEach(l -> l.accept(key, value)));
    }

    @Override
    public AutoCloseable listen(BiConsumer<String, String> listener) {
      listeners.add(listener);
      return () -> listeners.remove(listener);
    }
  }

  Vertx vertx;
  final Shared shared = new Shared();
  volatile List<String> directors = List.of("self");
  final List<HealthEvent> events = new CopyOnWriteArrayList<>();
  TestServer server;

  @BeforeEach
  void start() throws Exception {
    server = new TestServer(TestServer::silent);
    vertx = Vertx.vertx();
    vertx.eventBus().<JsonObject>localConsumer(Addresses.HEALTH, m -> events.add(HealthEvent.fromJson(m.body())))
        .completion().await();
    vertx.eventBus().<JsonObject>localConsumer(Addresses.DIRECTORS_VIEW, m -> {
      JsonArray list = new JsonArray();
      directors.forEach(d -> list.add(new JsonObject().put("id", d)));
      m.reply(new JsonObject().put("self", "self").put("directors", list));
    }).completion().await();
    vertx.deployVerticle(new ServiceTableVerticle(ServiceTable.EMPTY, TableStore.NONE, "self")).await();
    vertx.deployVerticle(new HealthProbeVerticle("self", false).shareState(shared)).await();
  }

  @AfterEach
  void stop() throws Exception {
    vertx.close().await(10, TimeUnit.SECONDS);
    server.close();
  }

  JsonObject view() {
    JsonObject status = vertx.eventBus().<JsonObject>request(Addresses.HEALTH_STATUS, new JsonObject()).await().body();
    return status.getJsonObject("services").getJsonObject("tcp/127.0.0.1:8090").getJsonObject("servers")
        .getJsonObject(server.address());
  }

  void until(Check c, String what) throws Exception {
    long deadline = System.currentTimeMillis() + 5_000;
    while (!c.ok()) {
      if (System.currentTimeMillis() > deadline) {
        fail("not within 5 s: " + what + "; " + view().encode() + " " + events);
      }
      Thread.sleep(10);
    }
  }

  interface Check {
    boolean ok() throws Exception;
  }

  HealthEvent await(Predicate<HealthEvent> p) throws Exception {
    until(() -> events.stream().anyMatch(p), "an event");
    return events.stream().filter(p).findFirst().orElseThrow();
  }

  void share(String checkId, String state, String by) {
    shared.put(checkId, new JsonObject().put("state", state).put("successes", 2).put("failures", 0)
        .put("reason", "checked by " + by).put("since", System.currentTimeMillis()).put("director", by).encode(), 60_000);
  }

  @Test
  void followsTheOwnerKeepsPassiveDetectionLocalAndTakesOverWithoutAFlap() throws Exception {
    JsonObject cmd = new JsonObject().put("action", TableCommands.ADD_SERVICE).put("body", new JsonObject(
        "{\"address\":\"127.0.0.1:8090\",\"check\":{\"type\":\"tcp\",\"interval\":\"100ms\",\"rise\":2,\"fall\":2,"
            + "\"alpha\":true},\"servers\":[{\"address\":\"" + server.address() + "\"}]}"));
    assertTrue(vertx.eventBus().<JsonObject>request(Addresses.TABLE, cmd).await().body().getBoolean("ok"));
    // Alone, it probes the check itself, and shares what its checks confirm.
    await(e -> HealthEvent.UP.equals(e.newState()) && "self".equals(e.director()));
    String checkId = view().getString("checkId");
    until(() -> shared.get(checkId) != null && shared.get(checkId).contains("\"up\""), "the state shared");

    // Another director joins that owns the check: this one stops probing it.
    String other = null;
    for (int i = 0; other == null; i++) {
      if (Sharding.owner(checkId, List.of("self", "other-" + i)).equals("other-" + i)) {
        other = "other-" + i;
      }
    }
    String owner = other;
    directors = List.of(owner, "self");
    until(() -> owner.equals(view().getString("prober")), "the check handed over");
    Thread.sleep(150); // a check that was running ends
    int checks = server.accepted.get();
    Thread.sleep(500);
    assertEquals(checks, server.accepted.get(), "not probed by a director that does not own it");

    // The owner's transitions are followed, and published on this director, with the owner's id.
    events.clear();
    share(checkId, "down", owner);
    HealthEvent down = await(e -> HealthEvent.DOWN.equals(e.newState()));
    assertEquals(owner, down.director());
    assertEquals("down", view().getString("state"));
    share(checkId, "up", owner);
    await(e -> HealthEvent.UP.equals(e.newState()));

    // Passive detection is this director's own: down here at once, probed here until back up.
    events.clear();
    vertx.eventBus().publish(Addresses.HEALTH_PASSIVE, new JsonObject().put("service", "tcp/127.0.0.1:8090")
        .put("server", server.address()).put("checkId", checkId).put("failures", 3).put("windowMs", 10_000)
        .put("error", "Connection refused"));
    HealthEvent passive = await(e -> HealthEvent.DOWN.equals(e.newState()));
    assertEquals("passive", passive.source());
    assertEquals("up", new JsonObject(shared.get(checkId)).getString("state"), "a passive trip is not shared");
    HealthEvent back = await(e -> HealthEvent.UP.equals(e.newState()));
    assertEquals("self", back.director(), "brought back by this director's own checks");
    assertTrue(server.accepted.get() > checks);

    // The owner leaves: this director takes the check over from the shared state (up), without a flap.
    events.clear();
    directors = List.of("self");
    until(() -> "self".equals(view().getString("prober")), "the check taken over");
    int before = server.accepted.get();
    until(() -> server.accepted.get() >= before + 3, "probed here again");
    assertEquals(List.of(), events, "no transition on a takeover");
    assertNotNull(view().getJsonObject("lastCheck"));
  }
}
