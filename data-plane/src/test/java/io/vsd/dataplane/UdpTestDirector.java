package io.vsd.dataplane;

import static io.vsd.dataplane.TestDirector.WAIT_MS;
import static io.vsd.dataplane.TestDirector.await;
import static io.vsd.dataplane.TestDirector.sleep;
import static org.junit.jupiter.api.Assertions.fail;

import io.vertx.core.Vertx;
import io.vertx.core.VertxOptions;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import io.vsd.eventbus.Addresses;
import io.vsd.eventbus.RoutingApplied;
import io.vsd.eventbus.TableCommands;
import io.vsd.services.routing.RoutingTable;
import io.vsd.services.routing.SchedulingVerticle;
import io.vsd.services.table.ServiceTable;
import io.vsd.services.table.ServiceTableVerticle;
import io.vsd.services.table.TableStore;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;

/**
 * A director as production composes it, minus the admin API, with both data planes: the table, the scheduling
 * verticle, the UDP data plane with the given session options, then the TCP one. Blocking: call from the test
 * thread.
 */
final class UdpTestDirector implements AutoCloseable {
  static final DataPlaneOptions TCP = new DataPlaneOptions(3, Duration.ofSeconds(1), Duration.ofSeconds(1), 128);

  final Vertx vertx;
  final RoutingTable routing = new RoutingTable();
  private final List<RoutingApplied> applied = new CopyOnWriteArrayList<>();

  UdpTestDirector(UdpOptions udp, boolean preferNative) {
    vertx = Vertx.builder().with(new VertxOptions().setPreferNativeTransport(preferNative)).build();
    try {
      await(vertx.eventBus().<JsonObject>localConsumer(Addresses.ROUTING_APPLIED,
          m -> applied.add(RoutingApplied.fromJson(m.body()))).completion());
      await(vertx.deployVerticle(new ServiceTableVerticle(ServiceTable.EMPTY, TableStore.NONE, "test")));
      await(vertx.deployVerticle(new SchedulingVerticle(routing)));
      await(vertx.deployVerticle(new UdpDataPlaneVerticle(routing, udp)));
      await(vertx.deployVerticle(new TcpDataPlaneVerticle(routing, TCP)));
    } catch (RuntimeException | Error e) {
      vertx.close();
      throw e;
    }
  }

  /** Sends a table command and waits until the data plane runs on the version it produced. */
  RoutingApplied change(JsonObject cmd) {
    JsonObject reply = await(vertx.eventBus().<JsonObject>request(Addresses.TABLE, cmd)).body();
    if (!reply.getBoolean("ok", false)) {
      fail("table refused " + cmd.encode() + ": " + reply.encode());
    }
    long version = reply.getLong("version");
    long deadline = System.nanoTime() + TimeUnit.MILLISECONDS.toNanos(WAIT_MS);
    while (System.nanoTime() < deadline) {
      for (RoutingApplied a : applied) {
        if (a.version() >= version) {
          return a;
        }
      }
      sleep(5);
    }
    return fail("the data plane did not apply version " + version + "; applied: " + applied);
  }

  /** The whole data plane's status, as the API reads it. */
  JsonObject status() {
    return await(vertx.eventBus().<JsonObject>request(Addresses.DATA_PLANE_STATUS, null)).body();
  }

  JsonObject service(String key) {
    return status().getJsonObject("services").getJsonObject(key);
  }

  @Override
  public void close() {
    await(vertx.close());
  }

  static JsonObject addUdpService(String address, String scheduler, boolean ops, String... servers) {
    JsonArray list = new JsonArray();
    for (String s : servers) {
      list.add(new JsonObject().put("address", s));
    }
    return new JsonObject().put("action", TableCommands.ADD_SERVICE).put("body", new JsonObject()
        .put("protocol", "udp").put("address", address).put("scheduler", scheduler).put("ops", ops)
        .put("servers", list));
  }

  static JsonObject deleteService(String key) {
    return new JsonObject().put("action", TableCommands.DELETE_SERVICE).put("service", key);
  }
}
