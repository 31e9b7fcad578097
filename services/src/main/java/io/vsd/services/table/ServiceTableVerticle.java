package io.vsd.services.table;

import io.vertx.core.Future;
import io.vertx.core.Promise;
import io.vertx.core.VerticleBase;
import io.vertx.core.eventbus.Message;
import io.vertx.core.eventbus.MessageConsumer;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import io.vsd.eventbus.Addresses;
import io.vsd.eventbus.ConfigChange;
import io.vsd.eventbus.TableCommands;
import io.vsd.services.model.Endpoint;
import io.vsd.services.model.HealthJson;
import io.vsd.services.model.Problem;
import io.vsd.services.model.RealServer;
import io.vsd.services.model.ServiceJson;
import io.vsd.services.model.ServiceKey;
import io.vsd.services.model.TableException;
import io.vsd.services.model.VirtualService;
import java.util.ArrayList;
import java.util.List;

/**
 * The single writer of the virtual-service table. It takes commands on {@link Addresses#TABLE} one at a
 * time, validates them, saves the new table through its {@link TableStore}, publishes the change on
 * {@link Addresses#CONFIG}, and only then replies. A refused command changes nothing.
 */
public final class ServiceTableVerticle extends VerticleBase {
  private static final System.Logger LOG = System.getLogger(ServiceTableVerticle.class.getName());

  private final TableStore store;
  private final String directorId;
  private ServiceTable table;
  private MessageConsumer<JsonObject> consumer;
  /** Commands run strictly one after another, each on the table the previous one left. */
  private Future<Void> queue = Future.succeededFuture();

  public ServiceTableVerticle(ServiceTable initial, TableStore store, String directorId) {
    this.table = initial;
    this.store = store;
    this.directorId = directorId;
  }

  @Override
  public Future<?> start() {
    consumer = vertx.eventBus().localConsumer(Addresses.TABLE, this::enqueue);
    return vertx.executeBlocking(() -> {
      store.save(table);
      return null;
    }).compose(v -> consumer.completion());
  }

  private void enqueue(Message<JsonObject> message) {
    queue = queue.transform(ignored -> handle(message));
  }

  private Future<Void> handle(Message<JsonObject> message) {
    JsonObject cmd = message.body() == null ? new JsonObject() : message.body();
    String action = cmd.getString("action", "");
    ServiceTable next;
    Object result;
    ConfigChange.Kind kind;
    try {
      switch (action) {
        case TableCommands.LIST -> {
          message.reply(ok(table.version(), table.toJson()));
          return Future.succeededFuture();
        }
        case TableCommands.GET_SERVICE -> {
          message.reply(ok(table.version(), ServiceJson.toJson(table.service(key(cmd)))));
          return Future.succeededFuture();
        }
        case TableCommands.ADD_SERVICE -> {
          next = table.addService(parseService(cmd.getValue("body"), true));
          kind = ConfigChange.Kind.SERVICE_ADDED;
        }
        case TableCommands.EDIT_SERVICE -> {
          ServiceKey key = key(cmd);
          VirtualService edit = parseService(cmd.getValue("body"), false);
          // Health settings the body leaves out are kept (docs/health.md): vsadm -E knows nothing of them.
          edit = HealthJson.keepUnsaid(cmd.getJsonObject("body"), edit, table.service(key));
          if (!edit.key().equals(key)) {
            throw new TableException(TableException.Kind.VALIDATION, List.of(new Problem("/address",
                "the body names " + edit.key() + " but the path names " + key + "; a service's address cannot be edited")));
          }
          next = table.editService(key, edit);
          kind = ConfigChange.Kind.SERVICE_EDITED;
        }
        case TableCommands.DELETE_SERVICE -> {
          next = table.deleteService(key(cmd));
          kind = ConfigChange.Kind.SERVICE_DELETED;
        }
        case TableCommands.CLEAR -> {
          next = table.clear();
          kind = ConfigChange.Kind.CLEARED;
        }
        case TableCommands.ADD_SERVER -> {
          ServiceKey key = key(cmd);
          next = table.addServer(key, parseServer(cmd.getValue("body"), table.service(key)));
          kind = ConfigChange.Kind.SERVERS_CHANGED;
        }
        case TableCommands.EDIT_SERVER -> {
          ServiceKey key = key(cmd);
          RealServer server = parseServer(cmd.getValue("body"), table.service(key));
          Endpoint named = endpoint(cmd);
          if (!server.endpoint().equals(named)) {
            throw new TableException(TableException.Kind.VALIDATION, List.of(new Problem("/address",
                "the body names " + server.endpoint() + " but the path names " + named)));
          }
          next = table.editServer(key, HealthJson.keepUnsaid(cmd.getJsonObject("body"), server, table.server(key, named)));
          kind = ConfigChange.Kind.SERVERS_CHANGED;
        }
        case TableCommands.DELETE_SERVER -> {
          next = table.deleteServer(key(cmd), endpoint(cmd));
          kind = ConfigChange.Kind.SERVERS_CHANGED;
        }
        default -> throw new TableException(TableException.Kind.VALIDATION, "unknown table command \"" + action + "\"");
      }
    } catch (TableException e) {
      message.reply(refusal(e));
      return Future.succeededFuture();
    }
    ServiceTable committed = next;
    ServiceKey changedKey = kind == ConfigChange.Kind.CLEARED ? null : key(cmd, next);
    return vertx.<Void>executeBlocking(() -> {
      store.save(committed);
      return null;
    }).onSuccess(v -> {
      table = committed;
      JsonObject state = changedKey == null || kind == ConfigChange.Kind.SERVICE_DELETED ? null
          : ServiceJson.toJson(committed.service(changedKey));
      ConfigChange change = new ConfigChange(committed.version(), kind,
          changedKey == null ? null : changedKey.toString(), state, directorId, System.currentTimeMillis());
      vertx.eventBus().publish(Addresses.CONFIG, change.toJson());
      Object reply = switch (action) {
        case TableCommands.ADD_SERVER, TableCommands.EDIT_SERVER -> ServiceJson.toJson(
            committed.server(changedKey, serverEndpoint(cmd, committed.service(changedKey))));
        default -> state;
      };
      message.reply(ok(committed.version(), reply));
    }).recover(e -> {
      LOG.log(System.Logger.Level.ERROR, "could not save the service table; the change was not applied", e);
      message.reply(refusal(new TableException(TableException.Kind.INTERNAL,
          "the change could not be saved, so it was not applied: " + e.getMessage())));
      return Future.<Void>succeededFuture();
    });
  }

  private static JsonObject ok(long version, Object result) {
    return new JsonObject().put("ok", true).put("version", version).put("result", result);
  }

  /** The reply for a refused command: docs/event-bus.md. */
  public static JsonObject refusal(TableException e) {
    JsonArray problems = new JsonArray();
    for (Problem p : e.problems()) {
      problems.add(new JsonObject().put("pointer", p.pointer()).put("detail", p.detail()));
    }
    return new JsonObject().put("ok", false).put("kind", e.kind().name()).put("problems", problems);
  }

  private static VirtualService parseService(Object body, boolean allowServers) {
    List<Problem> problems = new ArrayList<>();
    VirtualService s = ServiceJson.parseService(body, "", allowServers, problems);
    if (s == null) {
      throw new TableException(TableException.Kind.VALIDATION, problems);
    }
    return s;
  }

  private static RealServer parseServer(Object body, VirtualService service) {
    List<Problem> problems = new ArrayList<>();
    RealServer r = ServiceJson.parseServer(body, "", service.key().endpoint().port(), problems);
    if (r == null) {
      throw new TableException(TableException.Kind.VALIDATION, problems);
    }
    return r;
  }

  /** The service a command is about: named by "service", or for add-service by its body. */
  private static ServiceKey key(JsonObject cmd, ServiceTable after) {
    if (cmd.getString("service") != null) {
      return key(cmd);
    }
    return parseService(cmd.getValue("body"), true).key();
  }

  private static ServiceKey key(JsonObject cmd) {
    try {
      return ServiceKey.parse(cmd.getString("service"));
    } catch (IllegalArgumentException e) {
      throw new TableException(TableException.Kind.NOT_FOUND, "no virtual service " + cmd.getString("service")
          + ": " + e.getMessage());
    }
  }

  private static Endpoint endpoint(JsonObject cmd) {
    try {
      return Endpoint.parse(cmd.getString("server"), 0);
    } catch (IllegalArgumentException e) {
      throw new TableException(TableException.Kind.NOT_FOUND, "no real server " + cmd.getString("server")
          + ": " + e.getMessage());
    }
  }

  private static Endpoint serverEndpoint(JsonObject cmd, VirtualService service) {
    if (cmd.getString("server") != null) {
      return endpoint(cmd);
    }
    return parseServer(cmd.getValue("body"), service).endpoint();
  }
}
