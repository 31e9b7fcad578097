package io.vsd.dataplane;

import static org.junit.jupiter.api.Assertions.fail;

import io.netty.channel.Channel;
import io.netty.channel.ChannelFactory;
import io.vertx.core.Future;
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
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.function.UnaryOperator;

/**
 * A director as production composes it, minus the admin API: the service table, the scheduling verticle and
 * the TCP data plane on one Vert.x (native transport preferred). Tests change the table with table commands
 * and wait for the data plane's RoutingApplied before they connect. Blocking: call from the test thread.
 */
final class TestDirector implements AutoCloseable {
  static final long WAIT_MS = 10_000;

  final Vertx vertx;
  final RoutingTable routing = new RoutingTable();
  private final List<RoutingApplied> applied = new CopyOnWriteArrayList<>();
  private final String dataPlane;

  private TestDirector(DataPlaneOptions options, boolean preferNative) {
    this(options, preferNative, UnaryOperator.identity());
  }

  private TestDirector(DataPlaneOptions options, boolean preferNative,
                       UnaryOperator<ChannelFactory<? extends Channel>> outboundChannels) {
    vertx = Vertx.builder().with(new VertxOptions().setPreferNativeTransport(preferNative)).build();
    try {
      await(vertx.eventBus().<JsonObject>localConsumer(Addresses.ROUTING_APPLIED,
          m -> applied.add(RoutingApplied.fromJson(m.body()))).completion());
      await(vertx.deployVerticle(new ServiceTableVerticle(ServiceTable.EMPTY, TableStore.NONE, "test")));
      await(vertx.deployVerticle(new SchedulingVerticle(routing)));
      dataPlane = await(vertx.deployVerticle(new TcpDataPlaneVerticle(routing, options, outboundChannels)));
    } catch (RuntimeException | Error e) {
      vertx.close();
      throw e;
    }
  }

  static TestDirector start(DataPlaneOptions options) {
    return new TestDirector(options, true);
  }

  static TestDirector start(DataPlaneOptions options, boolean preferNative) {
    return new TestDirector(options, preferNative);
  }

  /** With the factory of real-server sockets wrapped, e.g. to make socket creation fail. */
  static TestDirector start(DataPlaneOptions options, UnaryOperator<ChannelFactory<? extends Channel>> outboundChannels) {
    return new TestDirector(options, true, outboundChannels);
  }

  /** Sends a table command and returns the table version it produced; fails the test on a refusal. */
  long command(JsonObject cmd) {
    JsonObject reply = await(vertx.eventBus().<JsonObject>request(Addresses.TABLE, cmd)).body();
    if (!reply.getBoolean("ok", false)) {
      fail("table refused " + cmd.encode() + ": " + reply.encode());
    }
    return reply.getLong("version");
  }

  /** Sends a table command and waits until the data plane runs on the table version it produced. */
  RoutingApplied change(JsonObject cmd) {
    return awaitApplied(command(cmd));
  }

  RoutingApplied awaitApplied(long version) {
    long deadline = System.nanoTime() + TimeUnit.MILLISECONDS.toNanos(WAIT_MS);
    while (System.nanoTime() < deadline) {
      for (RoutingApplied a : applied) {
        if (a.version() >= version) {
          return a;
        }
      }
      sleep(5);
    }
    return fail("the data plane did not apply version " + version + " within " + WAIT_MS + " ms; applied: " + applied);
  }

  JsonObject status() {
    return await(vertx.eventBus().<JsonObject>request(Addresses.DATA_PLANE_STATUS, null)).body();
  }

  /** Waits until a service's counts, and those of one of its servers, are as given. */
  void awaitCounts(String service, String server, int active, int inactive) {
    long deadline = System.nanoTime() + TimeUnit.MILLISECONDS.toNanos(WAIT_MS);
    JsonObject last = null;
    while (System.nanoTime() < deadline) {
      last = status();
      JsonObject s = last.getJsonObject("services").getJsonObject(service);
      JsonObject r = s == null ? null : s.getJsonObject("servers").getJsonObject(server);
      if (r != null && r.getInteger("activeConns") == active && r.getInteger("inactConns") == inactive
          && s.getInteger("activeConns") >= active && s.getInteger("inactConns") >= inactive) {
        return;
      }
      sleep(10);
    }
    fail("expected " + service + " -> " + server + " at " + active + "/" + inactive + ", status: "
        + (last == null ? null : last.encodePrettily()));
  }

  /** Undeploys the data plane: its stop() drains. */
  Future<Void> stopDataPlane() {
    return vertx.undeploy(dataPlane);
  }

  @Override
  public void close() {
    await(vertx.close());
  }

  // ---- table commands ----

  static JsonObject addService(String address, String scheduler, JsonObject... servers) {
    return new JsonObject().put("action", TableCommands.ADD_SERVICE).put("body", new JsonObject()
        .put("address", address).put("scheduler", scheduler).put("servers", new JsonArray(List.of((Object[]) servers))));
  }

  static JsonObject editServer(String service, JsonObject server) {
    return new JsonObject().put("action", TableCommands.EDIT_SERVER).put("service", service)
        .put("server", server.getString("address")).put("body", server);
  }

  static JsonObject deleteService(String service) {
    return new JsonObject().put("action", TableCommands.DELETE_SERVICE).put("service", service);
  }

  static JsonObject server(String address) {
    return new JsonObject().put("address", address);
  }

  static JsonObject server(String address, int weight) {
    return server(address).put("weight", weight);
  }

  // ---- helpers ----

  static <T> T await(Future<T> future) {
    try {
      return future.await(WAIT_MS, TimeUnit.MILLISECONDS);
    } catch (TimeoutException e) {
      throw new AssertionError("no answer within " + WAIT_MS + " ms", e);
    }
  }

  static void sleep(long ms) {
    try {
      Thread.sleep(ms);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new AssertionError(e);
    }
  }
}
