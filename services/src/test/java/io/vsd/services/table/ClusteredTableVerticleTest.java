package io.vsd.services.table;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.vertx.core.Vertx;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import io.vsd.eventbus.Addresses;
import io.vsd.eventbus.ConfigChange;
import io.vsd.eventbus.TableCommands;
import io.vsd.services.model.ServiceJson;
import io.vsd.services.model.ServiceKey;
import io.vsd.services.model.VirtualService;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.TimeUnit;
import java.util.function.BooleanSupplier;
import io.vertx.core.Future;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Two or three directors' table verticles, each on its own Vert.x, sharing one table in memory as they share
 * one in Hazelcast: commits by compare-and-set, following each other, If-Match, merges after a partition, and
 * the ordered change stream each director's scheduling verticle depends on.
 */
class ClusteredTableVerticleTest {
  @TempDir
  Path dir;
  final InMemorySharedValue shared = new InMemorySharedValue();
  final List<Director> directors = new ArrayList<>();

  /** A director's table verticle, and the changes its scheduling verticle would get. */
  final class Director {
    final String id;
    final Vertx vertx = Vertx.vertx();
    final List<ConfigChange> changes = Collections.synchronizedList(new ArrayList<>());
    final ServiceTableVerticle verticle;
    final Path stateDir;

    Director(String id, ReplicatedTable saved) throws Exception {
      this.id = id;
      this.stateDir = dir.resolve(id);
      vertx.eventBus().<JsonObject>localConsumer(Addresses.CONFIG, m -> changes.add(ConfigChange.fromJson(m.body())))
          .completion().await(5, TimeUnit.SECONDS);
      ReplicatedTable mine = saved != null ? saved : ReplicatedTable.of(ServiceTable.EMPTY, id);
      verticle = new ServiceTableVerticle(new ClusteredTable(shared, mine, mine, id), new StateFile(stateDir, null), id);
      vertx.deployVerticle(verticle).await(10, TimeUnit.SECONDS);
      directors.add(this);
    }

    JsonObject send(JsonObject command) throws Exception {
      return vertx.eventBus().<JsonObject>request(Addresses.TABLE, command).await(10, TimeUnit.SECONDS).body();
    }

    JsonObject list() throws Exception {
      return send(new JsonObject().put("action", TableCommands.LIST)).getJsonObject("result");
    }

    Map<String, Integer> weights() throws Exception {
      Map<String, Integer> m = new LinkedHashMap<>();
      for (Object o : list().getJsonArray("services")) {
        JsonObject s = (JsonObject) o;
        JsonArray servers = s.getJsonArray("servers");
        m.put(s.getString("address"), servers.isEmpty() ? -1 : servers.getJsonObject(0).getInteger("weight"));
      }
      return m;
    }

    long version() throws Exception {
      return list().getLong("version");
    }
  }

  @AfterEach
  void close() {
    directors.forEach(d -> d.vertx.close().await());
    shared.close();
  }

  static JsonObject add(String address) {
    return new JsonObject().put("action", TableCommands.ADD_SERVICE).put("body", new JsonObject()
        .put("address", address).put("scheduler", "rr")
        .put("servers", new JsonArray().add(new JsonObject().put("address", "127.0.0.1:9001"))));
  }

  static JsonObject weight(String address, int weight) {
    return new JsonObject().put("action", TableCommands.EDIT_SERVER).put("service", "tcp/" + address)
        .put("server", "127.0.0.1:9001")
        .put("body", new JsonObject().put("address", "127.0.0.1:9001").put("weight", weight));
  }

  static JsonObject delete(String address) {
    return new JsonObject().put("action", TableCommands.DELETE_SERVICE).put("service", "tcp/" + address);
  }

  static void eventually(BooleanSupplier condition, String what) throws InterruptedException {
    long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(10);
    while (!condition.getAsBoolean()) {
      if (System.nanoTime() > deadline) {
        throw new AssertionError("not within 10 s: " + what);
      }
      Thread.sleep(5);
    }
  }

  interface Check {
    boolean test() throws Exception;
  }

  static BooleanSupplier quietly(Check c) {
    return () -> {
      try {
        return c.test();
      } catch (Exception e) {
        return false;
      }
    };
  }

  /**
   * What a director's scheduling verticle needs: versions that only grow (it skips any other), ending at the
   * table's, and that replayed from an empty table give exactly the table.
   */
  static void assertGapless(Director d, long from) throws Exception {
    eventually(quietly(() -> !d.changes.isEmpty() && d.changes.getLast().version() == d.version()),
        d.id + " got every change");
    long last = from;
    Map<String, JsonObject> replay = new LinkedHashMap<>();
    for (ConfigChange c : List.copyOf(d.changes)) {
      assertTrue(c.version() > last, d.id + " got " + d.changes.stream().map(ConfigChange::version).toList());
      last = c.version();
      switch (c.kind()) {
        case CLEARED -> replay.clear();
        case SERVICE_DELETED -> replay.remove(c.service());
        case TIMEOUTS_CHANGED -> { } // the table's, not a service's
        default -> replay.put(c.service(), c.state());
      }
    }
    Map<String, JsonObject> table = new LinkedHashMap<>();
    for (Object o : d.list().getJsonArray("services")) {
      JsonObject s = (JsonObject) o;
      table.put(s.getString("protocol") + "/" + s.getString("address"), s);
    }
    assertEquals(table, replay, d.id);
  }

  @Test
  void aChangeOnOneDirectorIsFollowedByTheOther() throws Exception {
    Director a = new Director("a", null);
    Director b = new Director("b", null);
    assertTrue(a.send(add("10.0.0.1:80")).getBoolean("ok"));
    eventually(quietly(() -> b.weights().equals(Map.of("10.0.0.1:80", 1))), "b has the service");
    assertTrue(b.send(weight("10.0.0.1:80", 5)).getBoolean("ok"));
    eventually(quietly(() -> a.weights().equals(Map.of("10.0.0.1:80", 5))), "a has the weight");
    // The committer publishes to the cluster; b's own scheduling verticle got the change from b's table verticle.
    assertEquals("a", b.changes.getFirst().origin());
    assertEquals(ConfigChange.Kind.SERVICE_ADDED, b.changes.getFirst().kind());
    assertGapless(a, 0);
    assertGapless(b, 0);
    // Each director saved the cluster's table.
    eventually(quietly(() -> StateFile.load(b.stateDir).orElseThrow().table().version() == 2), "b saved it");
  }

  @Test
  void timeoutsSetOnOneDirectorReachTheOtherAndItsStateFile() throws Exception {
    Director a = new Director("a", null);
    Director b = new Director("b", null);
    assertTrue(a.send(add("10.0.0.1:80")).getBoolean("ok"));
    JsonObject set = b.send(new JsonObject().put("action", TableCommands.SET_TIMEOUTS)
        .put("body", new JsonObject().put("tcp", 60).put("udp", 30)));
    assertTrue(set.getBoolean("ok"), set.encode());
    eventually(quietly(() -> a.list().getJsonObject("timeouts").getInteger("tcp") == 60), "a has the timeouts");
    eventually(quietly(() -> a.changes.stream().anyMatch(c -> c.kind() == ConfigChange.Kind.TIMEOUTS_CHANGED
        && c.state().getInteger("udp") == 30 && c.state().getInteger("tcpfin") == 120)), "a's scheduling verticle was told");
    assertGapless(a, 0);
    assertGapless(b, 0);
    eventually(quietly(() -> StateFile.load(a.stateDir).orElseThrow().table().timeouts().tcp() == 60), "a saved them");
    // A clear (-C) leaves them, on both.
    assertTrue(a.send(new JsonObject().put("action", TableCommands.CLEAR)).getBoolean("ok"));
    eventually(quietly(() -> b.list().getJsonArray("services").isEmpty()), "b cleared");
    assertEquals(60, b.list().getJsonObject("timeouts").getInteger("tcp"));
  }

  @Test
  void concurrentCommandsOnTwoDirectorsAllLandInOneOrder() throws Exception {
    Director a = new Director("a", null);
    Director b = new Director("b", null);
    List<Future<?>> sent = new ArrayList<>();
    for (int i = 1; i <= 20; i++) {
      Director d = i % 2 == 0 ? a : b;
      sent.add(d.vertx.eventBus().request(Addresses.TABLE, add("10.0.1." + i + ":80")));
    }
    Future.all(sent).await(20, TimeUnit.SECONDS);
    for (Future<?> f : sent) {
      assertTrue(((io.vertx.core.eventbus.Message<JsonObject>) f.result()).body().getBoolean("ok"));
    }
    eventually(quietly(() -> a.version() == 20 && b.version() == 20), "both at version 20");
    assertEquals(a.weights(), b.weights());
    assertEquals(20, a.weights().size());
    assertTrue(shared.replaces > 20, "some compare-and-sets were lost and retried: " + shared.replaces);
    eventually(quietly(() -> a.changes.size() == 20 && b.changes.size() == 20), "every change followed");
    assertGapless(a, 0);
    assertGapless(b, 0);
  }

  @Test
  void aStaleIfMatchIsRefusedWhateverDirectorMadeTheChange() throws Exception {
    Director a = new Director("a", null);
    Director b = new Director("b", null);
    a.send(add("10.0.0.1:80"));
    long read = a.send(new JsonObject().put("action", TableCommands.GET_SERVICE).put("service", "tcp/10.0.0.1:80"))
        .getJsonObject("result").getLong("version");
    assertTrue(b.send(weight("10.0.0.1:80", 2).put("ifMatch", new JsonArray().add(read))).getBoolean("ok"));
    // a may not have heard of b's change yet: the compare-and-set makes it run the command on the newer table.
    JsonObject refused = a.send(weight("10.0.0.1:80", 3).put("ifMatch", new JsonArray().add(read)));
    assertEquals("PRECONDITION_FAILED", refused.getString("kind"), refused.encode());
    assertEquals(read + 1, refused.getLong("version"));
    eventually(quietly(() -> a.weights().get("10.0.0.1:80") == 2), "b's weight stands");
    assertTrue(a.send(weight("10.0.0.1:80", 3).put("ifMatch", "*")).getBoolean("ok"));
    JsonObject missing = a.send(weight("10.9.9.9:80", 3).put("ifMatch", new JsonArray().add(1)));
    assertEquals("NOT_FOUND", missing.getString("kind"));
  }

  @Test
  void aJoiningDirectorMergesItsSavedTableNewestFirst() throws Exception {
    Director a = new Director("a", null);
    a.send(add("10.0.0.1:80"));
    a.send(add("10.0.0.2:80"));
    ReplicatedTable snapshot = ReplicatedTable.decode(shared.get());
    a.send(delete("10.0.0.1:80"));
    a.send(weight("10.0.0.2:80", 4));
    // c was away since version 2: it saved 10.0.0.1 (since deleted) and an old weight, and added one alone.
    ServiceTable alone = snapshot.table().addService(ReplicatedTableTest.svc("10.0.0.3:80", 1, 0));
    ReplicatedTable saved = snapshot.after(alone, ConfigChange.Kind.SERVICE_ADDED, "c", 0);
    Director c = new Director("c", saved);
    assertEquals(ClusteredTable.Start.MERGED, c.verticle.startedBy());
    assertEquals(Map.of("10.0.0.2:80", 4, "10.0.0.3:80", 1), c.weights());
    eventually(quietly(() -> a.weights().equals(c.weights())), "a has c's service");
    assertGapless(a, 0);
  }

  @Test
  void afterASplitBrainBothSidesConvergeOnTheMerge() throws Exception {
    Director a = new Director("a", null);
    Director b = new Director("b", null);
    a.send(add("10.0.0.1:80"));
    a.send(add("10.0.0.2:80"));
    eventually(quietly(() -> b.version() == 2), "b follows");
    String common = shared.get();
    // The partition: b's side keeps writing to its own copy (here: b's commit lands, then is overwritten by
    // what Hazelcast keeps of a's side when the halves merge).
    b.send(weight("10.0.0.2:80", 9));
    ReplicatedTable left = ReplicatedTable.decode(common);
    ReplicatedTable other = left.after(left.table().addService(ReplicatedTableTest.svc("10.0.0.5:80", 1, 0)),
        ConfigChange.Kind.SERVICE_ADDED, "a", 0);
    other = other.after(other.table().deleteService(ServiceKey.parse("tcp/10.0.0.1:80")),
        ConfigChange.Kind.SERVICE_DELETED, "a", 0);
    eventually(quietly(() -> a.version() == 3), "a follows b first");
    shared.overwrite(other.encode());
    Map<String, Integer> expected = Map.of("10.0.0.2:80", 9, "10.0.0.5:80", 1);
    eventually(quietly(() -> a.weights().equals(expected) && b.weights().equals(expected)),
        "both converge on the merge");
    assertGapless(a, 0);
    assertGapless(b, 0);
  }

  @Test
  void aTableTheClusterLostIsPutBack() throws Exception {
    Director a = new Director("a", null);
    a.send(add("10.0.0.1:80"));
    shared.lose();
    eventually(() -> shared.get() != null, "put back within the periodic check");
    assertEquals(1, ReplicatedTable.decode(shared.get()).table().services().size());
  }

  @Test
  void theFirstDirectorFoundsTheClusterWithItsTable() throws Exception {
    ServiceTable mine = ServiceTable.of(7, List.of(ReplicatedTableTest.svc("10.0.0.1:80", 3, 7)));
    Director a = new Director("a", ReplicatedTable.of(mine, "a"));
    assertEquals(ClusteredTable.Start.FOUNDED, a.verticle.startedBy());
    Director b = new Director("b", null);
    assertEquals(ClusteredTable.Start.JOINED, b.verticle.startedBy());
    assertEquals(Map.of("10.0.0.1:80", 3), b.weights());
    assertEquals(7, b.version());
    Optional<StateFile.Saved> saved = StateFile.load(b.stateDir);
    assertNotNull(saved.orElseThrow().history());
  }


  static JsonObject batch(JsonObject... operations) {
    JsonArray list = new JsonArray();
    for (JsonObject op : operations) {
      list.add(op);
    }
    return new JsonObject().put("action", TableCommands.BATCH).put("operations", list);
  }

  @Test
  void aBatchIsOneCompareAndSetAndFollowersGetEveryChange() throws Exception {
    Director a = new Director("a", null);
    Director b = new Director("b", null);
    for (int i = 1; i <= 3; i++) {
      assertTrue(a.send(add("10.0.2." + i + ":80")).getBoolean("ok"));
    }
    eventually(quietly(() -> b.version() == 3), "b at version 3");
    long replaces = shared.replaces;
    // On b: clear, then two services and an edit. One compare-and-set; the version grows by one per operation.
    JsonObject reply = b.send(batch(new JsonObject().put("action", TableCommands.CLEAR), add("10.0.3.1:80"),
        add("10.0.3.2:80"), weight("10.0.3.2:80", 7)));
    assertTrue(reply.getBoolean("ok"), reply.encode());
    assertEquals(7, reply.getLong("version"));
    assertEquals(replaces + 1, shared.replaces);
    Map<String, Integer> expected = new LinkedHashMap<>();
    expected.put("10.0.3.1:80", 1);
    expected.put("10.0.3.2:80", 7);
    eventually(quietly(() -> a.weights().equals(expected) && a.version() == 7), "a follows the batch");
    assertEquals(expected, b.weights());
    assertGapless(a, 0);
    assertGapless(b, 0);
    // The cleared services stay deleted in the cluster's history: the batch's clear is remembered.
    assertTrue(ReplicatedTable.decode(shared.get()).deletedUpTo() >= 4);
  }

  @Test
  void concurrentBatchesAndCommandsAllLand() throws Exception {
    Director a = new Director("a", null);
    Director b = new Director("b", null);
    List<Future<?>> sent = new ArrayList<>();
    for (int i = 1; i <= 10; i++) {
      sent.add(a.vertx.eventBus().request(Addresses.TABLE, batch(add("10.0.4." + i + ":80"), add("10.0.5." + i + ":80"))));
      sent.add(b.vertx.eventBus().request(Addresses.TABLE, add("10.0.6." + i + ":80")));
    }
    Future.all(sent).await(20, TimeUnit.SECONDS);
    for (Future<?> f : sent) {
      assertTrue(((io.vertx.core.eventbus.Message<JsonObject>) f.result()).body().getBoolean("ok"));
    }
    eventually(quietly(() -> a.version() == 30 && b.version() == 30), "both at version 30");
    assertEquals(30, a.weights().size());
    assertEquals(a.weights(), b.weights());
    assertGapless(a, 0);
    assertGapless(b, 0);
  }

  @Test
  void aRefusedBatchChangesNothingInTheCluster() throws Exception {
    Director a = new Director("a", null);
    Director b = new Director("b", null);
    assertTrue(a.send(add("10.0.7.1:80")).getBoolean("ok"));
    eventually(quietly(() -> b.version() == 1), "b at version 1");
    String before = shared.get();
    JsonObject reply = b.send(batch(delete("10.0.7.1:80"), add("10.0.7.2:80"), add("10.0.7.2:80")));
    assertEquals("CONFLICT", reply.getString("kind"), reply.encode());
    assertEquals("operation 3: virtual service tcp/10.0.7.2:80 already exists",
        reply.getJsonArray("problems").getJsonObject(0).getString("detail"));
    assertEquals(before, shared.get());
    assertEquals(Map.of("10.0.7.1:80", 1), a.weights());
    assertEquals(Map.of("10.0.7.1:80", 1), b.weights());
  }
}
