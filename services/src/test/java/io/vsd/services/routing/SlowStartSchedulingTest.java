package io.vsd.services.routing;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.vertx.core.Vertx;
import io.vertx.core.json.JsonObject;
import io.vsd.eventbus.Addresses;
import io.vsd.eventbus.TableCommands;
import io.vsd.services.model.Endpoint;
import io.vsd.services.model.ServiceJson;
import io.vsd.services.model.ServiceKey;
import io.vsd.services.table.ServiceTable;
import io.vsd.services.table.ServiceTableVerticle;
import io.vsd.services.table.TableStore;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.IntSupplier;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/** Slow start through the table and scheduling verticles, with a clock the test moves. */
class SlowStartSchedulingTest {
  final Vertx vertx = Vertx.vertx();
  final AtomicLong clock = new AtomicLong(1_000_000);
  final RoutingTable routing = new RoutingTable();
  final ServiceKey key = ServiceKey.parse("tcp/10.0.0.100:80");

  @AfterEach
  void close() throws Exception {
    vertx.close().await(10, TimeUnit.SECONDS);
  }

  int weightOf(String server) {
    return routing.current().route(key).destinations().stream()
        .filter(d -> d.server().endpoint().equals(Endpoint.parse(server, 0))).findFirst().orElseThrow().weight();
  }

  static void await(IntSupplier actual, int expected) throws InterruptedException {
    long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(5);
    while (actual.getAsInt() != expected && System.nanoTime() < deadline) {
      Thread.sleep(20);
    }
    assertEquals(expected, actual.getAsInt());
  }

  @Test
  void anAddedServerRampsOverTheWindowButStartUpServersDoNot() throws Exception {
    ServiceTable initial = ServiceTable.of(1, List.of(ServiceJson.fromJson(new JsonObject("""
        {"address":"10.0.0.100:80","scheduler":"wrr","slowStart":10,
         "servers":[{"address":"10.0.0.1:80","weight":100}]}"""))));
    vertx.deployVerticle(new ServiceTableVerticle(initial, TableStore.NONE, "test")).await(10, TimeUnit.SECONDS);
    vertx.deployVerticle(new SchedulingVerticle(routing, "test", clock::get)).await(10, TimeUnit.SECONDS);
    assertEquals(100, weightOf("10.0.0.1:80"), "servers loaded at start-up do not ramp");

    JsonObject reply = vertx.eventBus().<JsonObject>request(Addresses.TABLE, new JsonObject()
        .put("action", TableCommands.ADD_SERVER).put("service", key.toString())
        .put("body", new JsonObject().put("address", "10.0.0.2:80").put("weight", 100)))
        .await(10, TimeUnit.SECONDS).body();
    assertTrue(reply.getBoolean("ok"), reply.encode());
    await(() -> (int) routing.current().version(), 2);
    assertEquals(1, weightOf("10.0.0.2:80"), "a server that was just added starts at weight 1");

    clock.addAndGet(5_000);
    await(() -> weightOf("10.0.0.2:80"), 50);
    clock.addAndGet(5_000);
    await(() -> weightOf("10.0.0.2:80"), 100);
    assertEquals(100, weightOf("10.0.0.1:80"));
  }
}
