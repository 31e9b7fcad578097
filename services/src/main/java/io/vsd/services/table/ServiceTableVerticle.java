package io.vsd.services.table;

import io.vertx.core.Future;
import io.vertx.core.Promise;
import io.vertx.core.VerticleBase;
import io.vertx.core.eventbus.DeliveryOptions;
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
import io.vsd.services.model.Timeouts;
import io.vsd.services.model.VirtualService;
import java.util.ArrayList;
import java.util.List;

/**
 * The single writer of the virtual-service table. It takes commands on {@link Addresses#TABLE} one at a
 * time, validates them, saves the new table through its {@link TableStore}, publishes the change on
 * {@link Addresses#CONFIG}, and only then replies. A refused command changes nothing.
 *
 * <p>In a cluster (with a {@link ClusteredTable}) the table is the cluster's: a command is committed with a
 * compare-and-set on the cluster's table and, when another director changed it first, run again on the newer
 * table. Changes made by other directors are followed (an event per change, and a check every second) and
 * published on this director only, so that its scheduling verticle gets every change exactly once and in
 * order, one version at a time. Its own commits are published to the whole cluster. docs/cluster.md.
 */
public final class ServiceTableVerticle extends VerticleBase {
  private static final System.Logger LOG = System.getLogger(ServiceTableVerticle.class.getName());
  /** How often a clustered director compares its table with the cluster's, in case an event was missed. */
  static final long RECONCILE_MS = 1_000;
  /** How many times a command is run again after losing a compare-and-set to another director. */
  private static final int MAX_ATTEMPTS = 50;
  private static final DeliveryOptions LOCAL = new DeliveryOptions().setLocalOnly(true);

  private final TableStore store;
  private final String directorId;
  private final ClusteredTable cluster;
  private ServiceTable table;
  private MessageConsumer<JsonObject> consumer;
  /** Commands run strictly one after another, each on the table the previous one left. */
  private Future<Void> queue = Future.succeededFuture();

  // Clustered only.
  private ReplicatedTable replicated;
  /** The cluster's table as the text last read or written: the expected value of the next compare-and-set. */
  private String replicatedRaw;
  private ClusteredTable.Start start;
  private AutoCloseable listening;
  private long reconcileTimer = -1;
  private boolean reconcileQueued;
  private boolean stopping;
  private Future<Void> saving = Future.succeededFuture();
  private boolean saveRunning;
  private Promise<Void> pendingSave;
  private ReplicatedTable toSave;

  public ServiceTableVerticle(ServiceTable initial, TableStore store, String directorId) {
    this.table = initial;
    this.store = store;
    this.directorId = directorId;
    this.cluster = null;
  }

  /** A clustered table verticle: it starts from what {@code cluster} agrees on with the cluster. */
  public ServiceTableVerticle(ClusteredTable cluster, TableStore store, String directorId) {
    this.table = null;
    this.store = store;
    this.directorId = directorId;
    this.cluster = cluster;
  }

  @Override
  public Future<?> start() {
    consumer = vertx.eventBus().localConsumer(Addresses.TABLE, this::enqueue);
    if (cluster == null) {
      return vertx.executeBlocking(() -> {
        store.save(table);
        return null;
      }).compose(v -> consumer.completion());
    }
    // Listen before reading the cluster's table, so that no change falls between the two. Changes and commands
    // that come meanwhile queue up behind the join.
    Future<Void> joined = vertx.executeBlocking(() -> {
      listening = cluster.shared().listen(raw -> context.runOnContext(v -> enqueue(() -> converge(raw, true))));
      return cluster.join();
    }).compose(j -> {
      start = j.start();
      hold(j.step());
      reconcileTimer = vertx.setPeriodic(RECONCILE_MS, id -> reconcile());
      return save(replicated);
    });
    queue = joined;
    return joined.compose(v -> consumer.completion());
  }

  @Override
  public Future<?> stop() throws Exception {
    stopping = true;
    if (listening != null) {
      listening.close();
    }
    vertx.cancelTimer(reconcileTimer);
    return saving.otherwiseEmpty();
  }

  /** Clustered: how this director came by its first table. Null when standalone. */
  public ClusteredTable.Start startedBy() {
    return start;
  }

  /** The table held now. For the composition root's start-up message; read it on this verticle's context. */
  public ServiceTable table() {
    return table;
  }

  private void enqueue(java.util.function.Supplier<Future<Void>> step) {
    queue = queue.transform(ignored -> step.get());
  }

  private void enqueue(Message<JsonObject> message) {
    enqueue(() -> handle(message, 1));
  }

  private Future<Void> handle(Message<JsonObject> message, int attempt) {
    JsonObject cmd = message.body() == null ? new JsonObject() : message.body();
    String action = cmd.getString("action", "");
    ServiceTable next;
    Object result;
    ConfigChange.Kind kind;
    try {
      checkIfMatch(cmd, action);
      switch (action) {
        case TableCommands.LIST -> {
          message.reply(ok(table.version(), table.toJson()));
          return Future.succeededFuture();
        }
        case TableCommands.GET_SERVICE -> {
          message.reply(ok(table.version(), ServiceJson.toJson(table.service(key(cmd)))));
          return Future.succeededFuture();
        }
        case TableCommands.BATCH -> {
          return batch(message, attempt, cmd);
        }
        default -> {
          Step step = step(table, cmd, action);
          next = step.next();
          kind = step.kind();
        }
      }
    } catch (TableException e) {
      JsonObject refusal = refusal(e);
      if (e.kind() == TableException.Kind.PRECONDITION_FAILED) {
        refusal.put("version", targetVersion(cmd, action));
      }
      message.reply(refusal);
      return Future.succeededFuture();
    }
    ServiceTable committed = next;
    ServiceKey changedKey = kind == ConfigChange.Kind.CLEARED || kind == ConfigChange.Kind.TIMEOUTS_CHANGED ? null
        : key(cmd, next);
    if (cluster != null) {
      return commitToCluster(message, attempt, cmd, action, committed, kind, changedKey);
    }
    return vertx.<Void>executeBlocking(() -> {
      store.save(committed);
      return null;
    }).onSuccess(v -> {
      table = committed;
      JsonObject state = changeState(committed, kind, changedKey);
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

  /** What a change carries on vsd.config: the service after it, the timeouts, or nothing (a deletion, a clear). */
  private static JsonObject changeState(ServiceTable committed, ConfigChange.Kind kind, ServiceKey changedKey) {
    if (kind == ConfigChange.Kind.TIMEOUTS_CHANGED) {
      return committed.timeouts().toJson();
    }
    return changedKey == null || kind == ConfigChange.Kind.SERVICE_DELETED ? null
        : ServiceJson.toJson(committed.service(changedKey));
  }

  /** One write command on {@code t}: the table it gives and what kind of change it is. */
  record Step(ServiceTable next, ConfigChange.Kind kind) {}

  private static Step step(ServiceTable t, JsonObject cmd, String action) {
    switch (action) {
      case TableCommands.ADD_SERVICE -> {
        return new Step(t.addService(parseService(cmd.getValue("body"), true)), ConfigChange.Kind.SERVICE_ADDED);
      }
      case TableCommands.EDIT_SERVICE -> {
        ServiceKey key = key(cmd);
        VirtualService edit = parseService(cmd.getValue("body"), false);
        // Health settings the body leaves out are kept (docs/health.md): vsadm -E knows nothing of them.
        edit = HealthJson.keepUnsaid(cmd.getJsonObject("body"), edit, t.service(key));
        if (!edit.key().equals(key)) {
          throw new TableException(TableException.Kind.VALIDATION, List.of(new Problem("/address",
              "the body names " + edit.key() + " but the path names " + key + "; a service's address cannot be edited")));
        }
        return new Step(t.editService(key, edit), ConfigChange.Kind.SERVICE_EDITED);
      }
      case TableCommands.DELETE_SERVICE -> {
        return new Step(t.deleteService(key(cmd)), ConfigChange.Kind.SERVICE_DELETED);
      }
      case TableCommands.CLEAR -> {
        return new Step(t.clear(), ConfigChange.Kind.CLEARED);
      }
      case TableCommands.ADD_SERVER -> {
        ServiceKey key = key(cmd);
        return new Step(t.addServer(key, parseServer(cmd.getValue("body"), t.service(key))), ConfigChange.Kind.SERVERS_CHANGED);
      }
      case TableCommands.EDIT_SERVER -> {
        ServiceKey key = key(cmd);
        RealServer server = parseServer(cmd.getValue("body"), t.service(key));
        Endpoint named = endpoint(cmd);
        if (!server.endpoint().equals(named)) {
          throw new TableException(TableException.Kind.VALIDATION, List.of(new Problem("/address",
              "the body names " + server.endpoint() + " but the path names " + named)));
        }
        return new Step(t.editServer(key, HealthJson.keepUnsaid(cmd.getJsonObject("body"), server, t.server(key, named))), ConfigChange.Kind.SERVERS_CHANGED);
      }
      case TableCommands.DELETE_SERVER -> {
        return new Step(t.deleteServer(key(cmd), endpoint(cmd)), ConfigChange.Kind.SERVERS_CHANGED);
      }
      case TableCommands.SET_TIMEOUTS -> {
        List<Problem> problems = new ArrayList<>();
        Timeouts changed = Timeouts.applyChange(cmd.getValue("body"), "", t.timeouts(), problems);
        if (changed == null) {
          throw new TableException(TableException.Kind.VALIDATION, problems);
        }
        return new Step(t.setTimeouts(changed), ConfigChange.Kind.TIMEOUTS_CHANGED);
      }
      default -> throw new TableException(TableException.Kind.VALIDATION, "unknown table command \"" + action + "\"");
    }
  }

  // ---- batch ----

  /**
   * A batch (vsadm -R): every operation is run in order on a copy of the table, and the result is committed as
   * one change, or none at all when any operation is refused; the refusal names the operation (and its line,
   * when the operation carries one). The table's version grows by one per operation, so a follower can be given
   * the changes one version at a time ({@link ReplicatedTable#changes}).
   */
  private Future<Void> batch(Message<JsonObject> message, int attempt, JsonObject cmd) {
    JsonArray operations = cmd.getJsonArray("operations");
    if (operations == null) {
      throw new TableException(TableException.Kind.VALIDATION, List.of(new Problem("/operations",
          "a batch needs a list of operations")));
    }
    ServiceTable before = table;
    ServiceTable t = before;
    List<Step> steps = new ArrayList<>();
    for (int i = 0; i < operations.size(); i++) {
      Object o = operations.getValue(i);
      String where = "operation " + (i + 1);
      try {
        if (!(o instanceof JsonObject op)) {
          throw new TableException(TableException.Kind.VALIDATION, "an operation must be a JSON object");
        }
        if (op.getValue("line") instanceof Number line) {
          where += " (line " + line + ")";
        }
        String action = op.getString("action", "");
        if (!WRITES.contains(action)) {
          throw new TableException(TableException.Kind.VALIDATION, "\"" + action + "\" is not a change a batch can make;"
              + " one of " + String.join(", ", WRITES));
        }
        Step step = step(t, op, action);
        steps.add(step);
        t = step.next();
      } catch (TableException e) {
        List<Problem> named = new ArrayList<>();
        for (Problem p : e.problems()) {
          named.add(new Problem("/operations/" + i + p.pointer(), where + ": " + p.detail()));
        }
        throw new TableException(e.kind(), named);
      }
    }
    ServiceTable committed = t;
    JsonObject result = new JsonObject().put("version", committed.version()).put("operations", steps.size());
    if (cluster != null) {
      return commitBatchToCluster(message, attempt, cmd, before, committed, steps, result);
    }
    return vertx.<Void>executeBlocking(() -> {
      store.save(committed);
      return null;
    }).onSuccess(v -> {
      table = committed;
      publishBatch(before, committed, System.currentTimeMillis(), new DeliveryOptions());
      message.reply(ok(committed.version(), result));
    }).recover(e -> {
      LOG.log(System.Logger.Level.ERROR, "could not save the service table; the batch was not applied", e);
      message.reply(refusal(new TableException(TableException.Kind.INTERNAL,
          "the batch could not be saved, so it was not applied: " + e.getMessage())));
      return Future.<Void>succeededFuture();
    });
  }

  /** The write commands a batch may hold. */
  private static final List<String> WRITES = List.of(TableCommands.ADD_SERVICE, TableCommands.EDIT_SERVICE,
      TableCommands.DELETE_SERVICE, TableCommands.CLEAR, TableCommands.ADD_SERVER, TableCommands.EDIT_SERVER,
      TableCommands.DELETE_SERVER, TableCommands.SET_TIMEOUTS);

  /** A batch's changes, one per version up to the new table's; a batch that changed nothing still marks its version. */
  private void publishBatch(ServiceTable before, ServiceTable after, long now, DeliveryOptions to) {
    List<ConfigChange> changes = ReplicatedTable.changes(before, after, directorId, now);
    if (changes.isEmpty()) {
      changes = List.of(new ConfigChange(after.version(), ConfigChange.Kind.LOADED, null, null, directorId, now));
    }
    changes.forEach(c -> vertx.eventBus().publish(Addresses.CONFIG, c.toJson(), to));
  }

  /** {@link #commitToCluster} for a batch: the whole batch is one compare-and-set, run again on a newer table. */
  private Future<Void> commitBatchToCluster(Message<JsonObject> message, int attempt, JsonObject cmd,
                                            ServiceTable before, ServiceTable committed, List<Step> steps,
                                            JsonObject result) {
    long now = System.currentTimeMillis();
    ReplicatedTable next = replicated;
    for (Step step : steps) {
      next = next.after(step.next(), step.kind(), directorId, now);
    }
    String nextRaw = next.encode();
    String expected = replicatedRaw;
    ReplicatedTable written = next;
    return vertx.executeBlocking(() -> cluster.commit(expected, nextRaw)).transform(ar -> {
      if (ar.failed()) {
        LOG.log(System.Logger.Level.ERROR, "could not write the cluster's service table; the batch was not applied",
            ar.cause());
        message.reply(refusal(new TableException(TableException.Kind.INTERNAL,
            "the batch could not be written to the cluster, so it was not applied: " + ar.cause().getMessage())));
        return Future.succeededFuture();
      }
      if (!ar.result()) {
        if (attempt >= MAX_ATTEMPTS) {
          message.reply(refusal(new TableException(TableException.Kind.INTERNAL,
              "the cluster's table kept changing under this batch (" + attempt + " attempts); it was not applied")));
          return Future.succeededFuture();
        }
        return vertx.executeBlocking(cluster::read)
            .compose(raw -> converge(raw, false))
            .transform(v -> handle(message, attempt + 1));
      }
      hold(new ClusteredTable.Step(written, nextRaw, true));
      publishBatch(before, committed, now, new DeliveryOptions());
      return save(written).transform(saved -> {
        if (saved.failed()) {
          LOG.log(System.Logger.Level.ERROR, "could not save the state file; the batch is in the cluster's table",
              saved.cause());
        }
        message.reply(ok(committed.version(), result));
        return Future.<Void>succeededFuture();
      });
    });
  }

  // ---- clustered ----

  /**
   * Commits a command's table with a compare-and-set on the cluster's. When another director changed the
   * cluster's table first, that table is taken (and followed here), and the command is run again on it: its
   * checks (If-Match, exists, already exists) are made against the newer table.
   */
  private Future<Void> commitToCluster(Message<JsonObject> message, int attempt, JsonObject cmd, String action,
                                       ServiceTable committed, ConfigChange.Kind kind, ServiceKey changedKey) {
    long now = System.currentTimeMillis();
    ReplicatedTable next = replicated.after(committed, kind, directorId, now);
    String nextRaw = next.encode();
    String expected = replicatedRaw;
    return vertx.executeBlocking(() -> cluster.commit(expected, nextRaw)).transform(ar -> {
      if (ar.failed()) {
        LOG.log(System.Logger.Level.ERROR, "could not write the cluster's service table; the change was not applied",
            ar.cause());
        message.reply(refusal(new TableException(TableException.Kind.INTERNAL,
            "the change could not be written to the cluster, so it was not applied: " + ar.cause().getMessage())));
        return Future.succeededFuture();
      }
      if (!ar.result()) {
        if (attempt >= MAX_ATTEMPTS) {
          message.reply(refusal(new TableException(TableException.Kind.INTERNAL,
              "the cluster's table kept changing under this change (" + attempt + " attempts); it was not applied")));
          return Future.succeededFuture();
        }
        return vertx.executeBlocking(cluster::read)
            .compose(raw -> converge(raw, false))
            .transform(v -> handle(message, attempt + 1));
      }
      ServiceTable before = table;
      hold(new ClusteredTable.Step(next, nextRaw, true));
      JsonObject state = changeState(committed, kind, changedKey);
      ConfigChange change = new ConfigChange(committed.version(), kind,
          changedKey == null ? null : changedKey.toString(), state, directorId, now);
      vertx.eventBus().publish(Addresses.CONFIG, change.toJson());
      Object reply = switch (action) {
        case TableCommands.ADD_SERVER, TableCommands.EDIT_SERVER -> ServiceJson.toJson(
            committed.server(changedKey, serverEndpoint(cmd, committed.service(changedKey))));
        default -> state;
      };
      if (committed.version() != before.version() + 1) {
        LOG.log(System.Logger.Level.ERROR, "table version went from " + before.version() + " to "
            + committed.version() + " in one command");
      }
      // Committed to the cluster: the change stands even if this director's file cannot be written.
      return save(next).transform(saved -> {
        if (saved.failed()) {
          LOG.log(System.Logger.Level.ERROR, "could not save the state file; the change is in the cluster's table",
              saved.cause());
        }
        message.reply(ok(committed.version(), reply));
        return Future.<Void>succeededFuture();
      });
    });
  }

  /** Takes the cluster's table {@code raw} (from an event, a check, or a lost compare-and-set) into account. */
  private Future<Void> converge(String raw, boolean fromEvent) {
    // The common case, another director's commit, is taken on the event loop: no hop to a worker thread, and no
    // wait behind a state file being written.
    ClusteredTable.Step quick = ClusteredTable.quick(replicated, replicatedRaw, raw, fromEvent);
    if (quick == ClusteredTable.NOTHING) {
      return Future.succeededFuture();
    }
    if (quick != null) {
      follow(quick);
      return Future.succeededFuture();
    }
    ReplicatedTable current = replicated;
    String currentRaw = replicatedRaw;
    return vertx.executeBlocking(() -> cluster.converge(current, currentRaw, raw, fromEvent)).transform(ar -> {
      if (ar.failed()) {
        LOG.log(System.Logger.Level.WARNING, "could not compare the service table with the cluster's: " + ar.cause());
      } else if (ar.result() != null) {
        follow(ar.result());
      }
      return Future.succeededFuture();
    });
  }

  private void reconcile() {
    if (reconcileQueued || stopping) {
      return;
    }
    reconcileQueued = true;
    enqueue(() -> vertx.executeBlocking(cluster::read)
        .compose(raw -> converge(raw, false))
        .onComplete(ar -> reconcileQueued = false)
        .otherwiseEmpty());
  }

  /** Holds a table the cluster agreed on, publishing the changes that lead to it one version at a time. */
  private void follow(ClusteredTable.Step step) {
    ServiceTable before = table;
    hold(step);
    List<ConfigChange> changes = ReplicatedTable.changes(before, table, replicated.origin(), replicated.time());
    if (!changes.isEmpty() && changes.getFirst().version() <= before.version()) {
      LOG.log(System.Logger.Level.ERROR, "the cluster's table went from version " + before.version() + " to "
          + table.version() + " with " + changes.size() + " changes; the routing may miss some until the next change");
    }
    // Our own merges go to the whole cluster; what others wrote, they published already.
    DeliveryOptions to = step.mine() ? new DeliveryOptions() : LOCAL;
    changes.forEach(c -> vertx.eventBus().publish(Addresses.CONFIG, c.toJson(), to));
    if (!stopping) {
      save(replicated).onFailure(e -> LOG.log(System.Logger.Level.ERROR, "could not save the state file", e));
    }
  }

  private void hold(ClusteredTable.Step step) {
    replicated = step.table();
    replicatedRaw = step.raw();
    table = replicated.table();
  }

  /**
   * Saves to the state file off the event loop, one save at a time; saves asked for while one runs are folded
   * into one of the newest table. The future completes once {@code t}, or a newer table, is on disk.
   */
  private Future<Void> save(ReplicatedTable t) {
    toSave = t;
    if (pendingSave == null) {
      pendingSave = Promise.promise();
    }
    Future<Void> done = pendingSave.future();
    if (!saveRunning) {
      runSave();
    }
    return done;
  }

  private void runSave() {
    saveRunning = true;
    ReplicatedTable t = toSave;
    Promise<Void> done = pendingSave;
    toSave = null;
    pendingSave = null;
    // Not ordered with this verticle's other blocking calls (one save runs at a time anyway): a slow fsync must
    // not hold up the compare-and-sets and reads behind it.
    saving = vertx.<Void>executeBlocking(() -> {
      store.save(t.table(), t.historyJson());
      return null;
    }, false).onComplete(ar -> {
      saveRunning = false;
      done.handle(ar);
      if (pendingSave != null) {
        runSave();
      }
    });
  }

  // ---- If-Match ----

  /**
   * A write that names versions (the admin API's If-Match) is refused with PRECONDITION_FAILED unless the
   * resource it changes is at one of them: the service for a service's or a real server's path, the table for
   * the list (add-service, clear). "*" only asks that the resource exists. A missing resource is NOT_FOUND
   * first, as HTTP has it.
   */
  private void checkIfMatch(JsonObject cmd, String action) {
    Object wanted = cmd.getValue("ifMatch");
    if (wanted == null || "*".equals(wanted) || action.equals(TableCommands.LIST)
        || action.equals(TableCommands.GET_SERVICE)) {
      return;
    }
    long current = targetVersion(cmd, action);
    if (wanted instanceof JsonArray list) {
      for (Object o : list) {
        if (o instanceof Number n && n.longValue() == current) {
          return;
        }
      }
    }
    String what = action.equals(TableCommands.ADD_SERVICE) || action.equals(TableCommands.CLEAR)
        || action.equals(TableCommands.BATCH)
        ? "the table" : action.equals(TableCommands.SET_TIMEOUTS) ? "the timeouts" : "virtual service " + key(cmd);
    throw new TableException(TableException.Kind.PRECONDITION_FAILED, what + " is at version " + current
        + " (ETag \"" + current + "\"), not at the version If-Match names: it changed since it was read;"
        + " read it again and retry");
  }

  /** The version If-Match is compared with; throws NOT_FOUND for a missing service or real server. */
  private long targetVersion(JsonObject cmd, String action) {
    return switch (action) {
      case TableCommands.ADD_SERVICE, TableCommands.CLEAR, TableCommands.BATCH -> table.version();
      case TableCommands.SET_TIMEOUTS -> table.timeouts().version();
      case TableCommands.EDIT_SERVER, TableCommands.DELETE_SERVER -> {
        ServiceKey key = key(cmd);
        table.server(key, endpoint(cmd));
        yield table.service(key).version();
      }
      default -> table.service(key(cmd)).version();
    };
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
