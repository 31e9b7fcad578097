package io.vsd.health;

import io.vertx.core.Future;
import io.vertx.core.VerticleBase;
import io.vertx.core.eventbus.DeliveryOptions;
import io.vertx.core.eventbus.Message;
import io.vertx.core.eventbus.MessageConsumer;
import io.vertx.core.json.JsonObject;
import io.vertx.core.net.NetClientOptions;
import io.vsd.eventbus.Addresses;
import io.vsd.eventbus.ConfigChange;
import io.vsd.eventbus.HealthEvent;
import io.vsd.eventbus.TableCommands;
import io.vsd.eventbus.cluster.SharedMap;
import io.vsd.services.model.CheckSpec;
import io.vsd.services.model.Endpoint;
import io.vsd.services.model.RealServer;
import io.vsd.services.model.ServiceJson;
import io.vsd.services.model.ServiceKey;
import io.vsd.services.model.VirtualService;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;

/**
 * The health-probe verticle (docs/health.md): it follows the service table, runs one {@link Probe} per distinct
 * check of each address (several services sharing a check share the probe), and publishes every transition on
 * {@link Addresses#HEALTH}, one event per service and real server. It answers {@link Addresses#HEALTH_STATUS}
 * with its whole view, and takes the data plane's passive-detection reports on {@link Addresses#HEALTH_PASSIVE}.
 * It never touches the data plane's sockets: its checks make connections of their own.
 */
public final class HealthProbeVerticle extends VerticleBase implements Probe.Events {
  private static final System.Logger LOG = System.getLogger(HealthProbeVerticle.class.getName());

  private final String directorId;
  private final boolean execChecks;

  private CheckContext ctx;
  private ExecutorService blocking;
  /** Probes by check id. */
  private final Map<String, Probe> probes = new HashMap<>();
  /** Which probe each real server of each service uses. */
  private final Map<ServiceKey, Map<Endpoint, Probe>> subscriptions = new HashMap<>();
  /** The last service-level event of each service (published by the scheduling verticle). */
  private final Map<ServiceKey, JsonObject> serviceStates = new HashMap<>();
  private long seq;
  private long version = -1;
  private List<ConfigChange> early = new ArrayList<>();
  /** In a cluster: the last known state of every check, shared by the directors; null when standalone. */
  private SharedMap shared;
  private AutoCloseable sharedListener;
  /** The directors that probing is sharded over (docs/cluster.md), sorted; this one alone when standalone. */
  private List<String> members;
  private static final DeliveryOptions LOCAL = new DeliveryOptions().setLocalOnly(true);
  /** How long a shared state lives without being written again; owners rewrite it well before. */
  static final long SHARED_TTL_MS = 3_600_000;
  static final long SHARED_REWRITE_MS = 600_000;
  /** How often the membership view is read again, in case a vsd.directors event was missed. */
  static final long MEMBERS_POLL_MS = 1_000;

  /**
   * @param directorId this director's id, in every event
   * @param execChecks whether exec checks may run commands here ({@code director.exec-checks})
   */
  public HealthProbeVerticle(String directorId, boolean execChecks) {
    this.directorId = directorId;
    this.execChecks = execChecks;
    this.members = List.of(directorId);
  }

  /**
   * In a cluster: probing is sharded over the directors, and each check's last known state is shared through
   * {@code states} (docs/cluster.md, "Health probing in a cluster"). Call before deploying.
   */
  public HealthProbeVerticle shareState(SharedMap states) {
    this.shared = states;
    return this;
  }

  @Override
  public Future<?> start() {
    blocking = Executors.newThreadPerTaskExecutor(Thread.ofVirtual().name("vsd-exec-check-", 0).factory());
    ctx = new CheckContext(vertx, vertx.createNetClient(new NetClientOptions().setTcpNoDelay(true)), blocking,
        execChecks);
    MessageConsumer<JsonObject> config = vertx.eventBus().consumer(Addresses.CONFIG,
        m -> onChange(ConfigChange.fromJson(m.body())));
    MessageConsumer<JsonObject> status = vertx.eventBus().localConsumer(Addresses.HEALTH_STATUS, this::status);
    MessageConsumer<JsonObject> passive = vertx.eventBus().localConsumer(Addresses.HEALTH_PASSIVE,
        m -> passive(m.body()));
    MessageConsumer<JsonObject> services = vertx.eventBus().localConsumer(Addresses.HEALTH, m -> {
      if (HealthEvent.KIND_SERVICE.equals(m.body().getString("kind"))) {
        serviceStates.put(ServiceKey.parse(m.body().getString("service")), m.body());
      }
    });
    MessageConsumer<JsonObject> directors = vertx.eventBus().consumer(Addresses.DIRECTORS, m -> readMembers());
    if (shared != null) {
      sharedListener = shared.listen((key, value) -> context.runOnContext(v -> onShared(key, value)));
      vertx.setPeriodic(MEMBERS_POLL_MS, id -> readMembers());
    }
    return Future.all(config.completion(), status.completion(), passive.completion(), services.completion())
        .compose(v -> directors.completion())
        .compose(v -> shared == null ? Future.succeededFuture() : readMembers())
        .compose(v -> vertx.eventBus().<JsonObject>request(Addresses.TABLE, new JsonObject().put("action", TableCommands.LIST)))
        .map(reply -> {
          JsonObject table = reply.body().getJsonObject("result");
          for (Object o : table.getJsonArray("services")) {
            sync(ServiceJson.fromJson((JsonObject) o));
          }
          version = table.getLong("version");
          List<ConfigChange> pending = early;
          early = null;
          pending.forEach(this::onChange);
          LOG.log(System.Logger.Level.INFO, probes.size() + " health probes for "
              + subscriptions.values().stream().mapToInt(Map::size).sum() + " checked real servers");
          return null;
        });
  }

  @Override
  public Future<?> stop() throws Exception {
    if (sharedListener != null) {
      sharedListener.close();
    }
    probes.values().forEach(Probe::stop);
    probes.clear();
    blocking.shutdownNow();
    return ctx.net().close();
  }

  // ---- following the table ----

  private void onChange(ConfigChange change) {
    if (early != null) {
      early.add(change);
      return;
    }
    if (change.version() <= version) {
      return;
    }
    switch (change.kind()) {
      case CLEARED -> new ArrayList<>(subscriptions.keySet()).forEach(k -> unsubscribeAll(k));
      case SERVICE_DELETED -> unsubscribeAll(ServiceKey.parse(change.service()));
      case LOADED, TIMEOUTS_CHANGED -> { }
      default -> sync(ServiceJson.fromJson(change.state()));
    }
    version = change.version();
  }

  /** Makes the probes of a service's real servers what its configuration says. */
  private void sync(VirtualService service) {
    ServiceKey key = service.key();
    Map<Endpoint, CheckSpec> wanted = new LinkedHashMap<>();
    Map<Endpoint, String> ids = new HashMap<>();
    for (RealServer r : service.servers()) {
      CheckSpec spec = CheckSpec.effective(service.health().check(), r.check());
      if (spec != null) {
        wanted.put(r.endpoint(), spec);
        ids.put(r.endpoint(), spec.id(r.endpoint()));
      }
    }
    Map<Endpoint, Probe> current = subscriptions.computeIfAbsent(key, k -> new HashMap<>());
    for (Iterator<Map.Entry<Endpoint, Probe>> it = current.entrySet().iterator(); it.hasNext(); ) {
      Map.Entry<Endpoint, Probe> e = it.next();
      if (!e.getValue().id.equals(ids.get(e.getKey()))) {
        it.remove();
        unsubscribe(e.getValue(), new Probe.Subscriber(key, e.getKey()));
      }
    }
    for (Map.Entry<Endpoint, CheckSpec> e : wanted.entrySet()) {
      Endpoint server = e.getKey();
      if (current.containsKey(server)) {
        continue;
      }
      String id = ids.get(server);
      CheckSpec spec = e.getValue();
      Probe probe = probes.get(id);
      boolean fresh = probe == null;
      if (fresh) {
        Endpoint target = spec.target(server);
        probe = new Probe(vertx, id, spec, target, Checkers.create(ctx, spec, target), this);
        probes.put(id, probe);
        probe.setOwned(owns(id));
        followShared(probe, null);
        probe.start();
      }
      Probe.Subscriber sub = new Probe.Subscriber(key, server);
      probe.subscribers.add(sub);
      current.put(server, probe);
      // The scheduling verticle assumes a new check's initial state; a shared probe may be past it, and so may
      // the cluster's last known state of a new one.
      if (probe.machine.up() == spec.alpha() || probe.weight() != null || probe.weightPercent() != null) {
        publish(probe, sub, HealthEvent.KIND_STATE, spec.alpha() ? HealthEvent.DOWN : HealthEvent.UP, probe.state(),
            fresh ? "the cluster's last known state of the check (by " + probe.prober + ")"
                : "the same check of " + probe.target + " already runs for another service", null, "shared");
      }
    }
    if (current.isEmpty()) {
      subscriptions.remove(key);
    }
  }

  private void unsubscribeAll(ServiceKey key) {
    Map<Endpoint, Probe> current = subscriptions.remove(key);
    serviceStates.remove(key);
    if (current != null) {
      current.forEach((server, probe) -> unsubscribe(probe, new Probe.Subscriber(key, server)));
    }
  }

  private void unsubscribe(Probe probe, Probe.Subscriber sub) {
    probe.subscribers.remove(sub);
    if (probe.subscribers.isEmpty()) {
      probe.stop();
      probes.remove(probe.id);
    }
  }

  // ---- events ----

  @Override
  public void publish(Probe probe, Probe.Subscriber only, String kind, String oldState, String newState,
                      String reason, Double latencyMs, String source) {
    // Another director's checks (followed here, or a shared state taken at start): for this director only, as
    // every director follows the shared state itself; this director's own checks: to the whole cluster.
    boolean followed = !probe.active() && probe.prober != null;
    publish(probe, only, kind, oldState, newState, reason, latencyMs, source,
        followed ? probe.prober : directorId, followed);
  }

  private void publish(Probe probe, Probe.Subscriber only, String kind, String oldState, String newState,
                       String reason, Double latencyMs, String source, String director, boolean localOnly) {
    if (HealthEvent.KIND_STATE.equals(kind)) {
      LOG.log(System.Logger.Level.INFO, probe.checker.describe() + ": " + oldState + " -> " + newState + ": " + reason
          + (director.equals(directorId) ? "" : " (checked by " + director + ")"));
    }
    for (Probe.Subscriber sub : only == null ? List.copyOf(probe.subscribers) : List.of(only)) {
      HealthEvent e = new HealthEvent(kind, sub.service().toString(), sub.server().toString(), oldState, newState,
          reason, latencyMs, probe.checker.describe(), probe.id, source, probe.weight(), probe.weightPercent(),
          probe.machine.successes(), probe.machine.failures(), director, System.currentTimeMillis(), ++seq);
      if (localOnly) {
        vertx.eventBus().publish(Addresses.HEALTH, e.toJson(), LOCAL);
      } else {
        vertx.eventBus().publish(Addresses.HEALTH, e.toJson());
      }
    }
  }

  // ---- sharding and the shared state (docs/cluster.md) ----

  private boolean owns(String checkId) {
    return shared == null || directorId.equals(Sharding.owner(checkId, members));
  }

  /** Reads the membership view (local), and re-shards when it changed. */
  private Future<Void> readMembers() {
    return vertx.eventBus().<JsonObject>request(Addresses.DIRECTORS_VIEW, new JsonObject(), LOCAL)
        .map(m -> {
          List<String> ids = new ArrayList<>();
          m.body().getJsonArray("directors").forEach(d -> ids.add(((JsonObject) d).getString("id")));
          if (!ids.contains(directorId)) {
            ids.add(directorId);
          }
          ids.sort(null);
          membersChanged(ids);
          return (Void) null;
        })
        .otherwiseEmpty();
  }

  private void membersChanged(List<String> ids) {
    if (ids.equals(members)) {
      return;
    }
    members = List.copyOf(ids);
    int taken = 0;
    int given = 0;
    for (Probe probe : probes.values()) {
      boolean mine = owns(probe.id);
      if (mine && !probe.owned()) {
        followShared(probe, null); // the newest state the last owner shared: no flap
        probe.setOwned(true);
        taken++;
      } else if (!mine && probe.owned()) {
        probe.setOwned(false);
        given++;
      }
      if (probe.owned() && probe.checkedSinceOwned()) {
        share(probe, true); // a director that just joined may not have the states yet
      }
    }
    LOG.log(System.Logger.Level.INFO, "health probing sharded over " + String.join(", ", members) + ": this director"
        + " probes " + probes.values().stream().filter(Probe::owned).count() + " of " + probes.size() + " checks ("
        + taken + " taken over, " + given + " handed over)");
  }

  /** A check of a probe this director owns ended: share its state when a check confirmed a change. */
  @Override
  public void checked(Probe probe, CheckResult result) {
    if (shared != null && probe.machine.up() == result.ok()) {
      share(probe, false);
    }
  }

  private void share(Probe probe, boolean force) {
    if (shared == null) {
      return;
    }
    String compact = probe.state() + " " + probe.weight() + " " + probe.weightPercent();
    long now = System.currentTimeMillis();
    if (!force && compact.equals(probe.lastShared) && now - probe.lastSharedTime < SHARED_REWRITE_MS) {
      return;
    }
    probe.lastShared = compact;
    probe.lastSharedTime = now;
    JsonObject view = probe.view();
    shared.put(probe.id, new JsonObject()
        .put("state", probe.state())
        .put("weight", probe.weight())
        .put("weightPercent", probe.weightPercent())
        .put("successes", probe.machine.successes())
        .put("failures", probe.machine.failures())
        .put("since", view.getLong("since"))
        .put("reason", view.getString("reason"))
        .put("director", directorId)
        .put("time", now)
        .encode(), SHARED_TTL_MS);
  }

  /** Another director shared the state of a check (or this one did: then it is ignored). */
  private void onShared(String checkId, String value) {
    Probe probe = probes.get(checkId);
    if (probe != null && value != null) {
      followShared(probe, value);
    }
  }

  /**
   * Sets the probe to the shared state ({@code value}, or read from this director's copy when null) when it
   * follows it: another director checks it, or this one has not checked it yet since taking it over. Publishes
   * the change to this director's subscribers.
   */
  private void followShared(Probe probe, String value) {
    if (shared == null || !probe.followsShared()) {
      return;
    }
    String text = value != null ? value : shared.get(probe.id);
    if (text == null) {
      return;
    }
    JsonObject s;
    try {
      s = new JsonObject(text);
    } catch (RuntimeException malformed) {
      return;
    }
    String by = s.getString("director");
    if (directorId.equals(by) && probe.owned()) {
      return; // ours
    }
    String before = probe.state();
    Integer weight = probe.weight();
    Integer percent = probe.weightPercent();
    boolean up = HealthEvent.UP.equals(s.getString("state"));
    if (!probe.follow(up, s.getInteger("weight"), s.getInteger("weightPercent"), s.getInteger("successes", 0),
        s.getInteger("failures", 0), s.getString("reason"), s.getLong("since", System.currentTimeMillis()), by)) {
      return;
    }
    if (probe.subscribers.isEmpty()) {
      return; // being created: the caller says what the subscriber needs
    }
    String reason = s.getString("reason");
    if (!before.equals(probe.state())) {
      publish(probe, null, HealthEvent.KIND_STATE, before, probe.state(), reason, null, "check", by, true);
    } else if (probe.machine.up() && (!java.util.Objects.equals(weight, probe.weight())
        || !java.util.Objects.equals(percent, probe.weightPercent()))) {
      publish(probe, null, HealthEvent.KIND_WEIGHT, before, probe.state(), reason, null, "check", by, true);
    }
  }

  /** The data plane took a real server out: take its probe down at once, for every service that uses it. */
  private void passive(JsonObject report) {
    try {
      Probe probe = subscriptions.getOrDefault(ServiceKey.parse(report.getString("service")), Map.of())
          .get(Endpoint.parse(report.getString("server"), 0));
      if (probe == null || !probe.id.equals(report.getString("checkId"))) {
        return; // its check changed meanwhile; the scheduling verticle has dropped the trip with it
      }
      long windowMs = report.getLong("windowMs", 0L);
      probe.forceDown("passive: " + report.getInteger("failures") + " connections failed in a row within "
          + (windowMs % 1000 == 0 ? windowMs / 1000 + " s" : windowMs + " ms") + ", the last with: "
          + report.getString("error"));
    } catch (IllegalArgumentException e) {
      LOG.log(System.Logger.Level.WARNING, "ignored a malformed passive report: " + report.encode());
    }
  }

  // ---- status ----

  private void status(Message<JsonObject> request) {
    String only = request.body() == null ? null : request.body().getString("service");
    JsonObject services = new JsonObject();
    TreeMap<ServiceKey, Map<Endpoint, Probe>> sorted = new TreeMap<>(subscriptions);
    for (ServiceKey key : serviceStates.keySet()) {
      sorted.putIfAbsent(key, Map.of());
    }
    for (Map.Entry<ServiceKey, Map<Endpoint, Probe>> e : sorted.entrySet()) {
      if (only != null && !only.equals(e.getKey().toString())) {
        continue;
      }
      JsonObject servers = new JsonObject();
      new TreeMap<>(e.getValue()).forEach((server, probe) -> servers.put(server.toString(), probe.view()
          .put("prober", probe.active() ? directorId : Sharding.owner(probe.id, members))));
      JsonObject service = new JsonObject().put("servers", servers);
      JsonObject last = serviceStates.get(e.getKey());
      if (last != null) {
        service.put("state", last.getString("newState")).put("reason", last.getString("reason"))
            .put("since", last.getLong("time"));
      }
      services.put(e.getKey().toString(), service);
    }
    request.reply(new JsonObject()
        .put("director", directorId)
        .put("seq", seq)
        .put("probes", probes.size())
        .put("probing", probes.values().stream().filter(Probe::active).count())
        .put("directors", new io.vertx.core.json.JsonArray(members))
        .put("services", services));
  }
}
