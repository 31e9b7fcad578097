package io.vsd.director;

import io.vertx.core.Future;
import io.vertx.core.Promise;
import io.vertx.core.Vertx;
import io.vertx.core.VertxOptions;
import io.vertx.core.json.JsonObject;
import io.vsd.admin.http.AdminApiVerticle;
import io.vsd.admin.http.AdminTokens;
import io.vsd.admin.http.Role;
import io.vsd.dataplane.DataPlaneOptions;
import io.vsd.dataplane.TcpDataPlaneVerticle;
import io.vsd.dataplane.UdpDataPlaneVerticle;
import io.vsd.dataplane.UdpOptions;
import io.vsd.director.config.DirectorConfig;
import io.vsd.health.HealthProbeVerticle;
import io.vsd.eventbus.cluster.ClusterMember;
import io.vsd.eventbus.cluster.DirectorsVerticle;
import io.vsd.eventbus.cluster.StatsVerticle;
import io.vsd.services.model.VirtualService;
import io.vsd.services.routing.RoutingTable;
import io.vsd.services.routing.SchedulingVerticle;
import io.vsd.services.table.ClusteredTable;
import io.vsd.services.table.ReplicatedTable;
import io.vsd.services.table.ServiceTable;
import io.vsd.services.table.ServiceTableVerticle;
import io.vsd.services.table.StateFile;
import java.io.IOException;
import java.nio.file.Path;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.TimeUnit;

/**
 * The composition root: builds Vert.x (clustered or not), decides which table to start from, and deploys the
 * verticles in the order the flows need them: the table, the membership view, the health probes (sharded over
 * it), the scheduling verticle (which asks the table and the probes for their state), the data plane, the stats
 * stream, then the admin API. In a
 * cluster the table verticle has agreed on the cluster's table before the data plane opens any listener
 * (docs/cluster.md).
 */
public final class Director {
  private static final System.Logger LOG = System.getLogger(Director.class.getName());

  private final Vertx vertx;
  private final DirectorConfig config;
  private final Path stateDir;
  private final ClusterMember cluster;
  private final AdminAuth auth;
  private StartupTable startup;
  private String dataPlaneDeployment;
  private AdminApiVerticle admin;

  /** Which table a director started from, and why: printed at start-up so an operator knows. */
  public record StartupTable(ServiceTable table, String reason) {}

  /**
   * The admin API's tokens as this director runs with them.
   *
   * @param generatedFile the generated token's file when no token is configured; null otherwise
   * @param created       whether this start created that file
   */
  public record AdminAuth(AdminTokens tokens, Path generatedFile, boolean created) {}

  private Director(Vertx vertx, DirectorConfig config, Path stateDir, StartupTable startup, ClusterMember cluster,
                   AdminAuth auth) {
    this.vertx = vertx;
    this.auth = auth;
    this.config = config;
    this.stateDir = stateDir;
    this.startup = startup;
    this.cluster = cluster;
  }

  /**
   * Starts a director: standalone, or a member of the cluster {@code config.cluster()} names.
   *
   * @param config   the config file's content, or {@link DirectorConfig#defaults()} with no file
   * @param fromFile whether {@code config} came from a file (its services then compete with the state file)
   */
  public static Future<Director> start(DirectorConfig config, boolean fromFile) {
    if (config.cluster().enabled()) {
      return startClustered(config, fromFile);
    }
    Path stateDir = config.effectiveStateDir();
    StartupTable startup;
    AdminAuth auth;
    try {
      startup = chooseTable(config, fromFile, stateDir);
      auth = adminAuth(config, stateDir);
    } catch (IOException | RuntimeException e) {
      return Future.failedFuture(e);
    }
    Vertx vertx = Vertx.builder().with(vertxOptions(config)).build();
    Director director = new Director(vertx, config, stateDir, startup, null, auth);
    return failClosing(director.deploy(null).map(director), vertx);
  }

  /**
   * In a cluster the table is the cluster's (docs/cluster.md): this director's saved table is merged into it,
   * newest version first, and its config file's services are used only to start a cluster that has no table
   * and when there is no saved table.
   */
  private static Future<Director> startClustered(DirectorConfig config, boolean fromFile) {
    Path stateDir = config.effectiveStateDir();
    Optional<StateFile.Saved> saved;
    AdminAuth auth;
    try {
      saved = StateFile.load(stateDir);
      // As standalone: tokens are each director's own, configured or generated; none travels over the cluster.
      auth = adminAuth(config, stateDir);
    } catch (IOException | RuntimeException e) {
      return Future.failedFuture(e);
    }
    ReplicatedTable mine = saved
        .map(s -> ReplicatedTable.fromJson(s.table(), s.history(), config.id(), 0))
        .orElse(ReplicatedTable.of(ServiceTable.EMPTY, config.id()));
    ReplicatedTable seed = saved.isPresent() ? mine : ReplicatedTable.of(stamped(1, config.services())
        .withTimeouts(config.timeouts().withVersion(1)), config.id());
    String seedName = saved.isPresent() ? "this director's saved table"
        : fromFile && !config.services().isEmpty() ? "the config file" : "an empty table";
    return ClusterMember.start(config.cluster(), config.id(), vertxOptions(config))
        .recover(e -> Future.failedFuture(new IllegalStateException("cannot join cluster \""
            + config.cluster().name() + "\" on port " + config.cluster().port()
            + (config.cluster().interfaceAddress() == null ? "" : " of " + config.cluster().interfaceAddress())
            + ": " + root(e))))
        .compose(member -> {
          Director director = new Director(member.vertx(), config, stateDir, null, member, auth);
          ClusteredTable table = new ClusteredTable(member.table(), seed, mine, config.id());
          return failClosing(director.deploy(new ClusteredStart(table, seedName,
              fromFile && !config.services().isEmpty())).map(director), member.vertx());
        });
  }

  /**
   * {@code started}, and when it fails, Vert.x closed behind it. The failure is reported at once, on a promise
   * of no context: a future chained on the closing Vert.x would complete on an event loop already shut down,
   * and the caller would never hear of the failure.
   */
  private static Future<Director> failClosing(Future<Director> started, Vertx vertx) {
    Promise<Director> result = Promise.promise();
    started.onComplete(ar -> {
      if (ar.succeeded()) {
        result.complete(ar.result());
      } else {
        result.fail(ar.cause());
        vertx.close();
      }
    });
    return result.future();
  }

  /** The configured tokens; with none, the generated admin token (created on the first start, then reused). */
  static AdminAuth adminAuth(DirectorConfig config, Path stateDir) throws IOException {
    if (!config.auth().tokens().isEmpty()) {
      return new AdminAuth(AdminTokens.of(config.auth().tokens()), null, false);
    }
    Path file = config.auth().tokenFile(stateDir);
    TokenFile.Loaded loaded = TokenFile.loadOrCreate(file);
    return new AdminAuth(AdminTokens.of(List.of(new AdminTokens.Token(loaded.token(), Role.ADMIN))), file,
        loaded.created());
  }

  /** Native transport when there is one, and Micrometer metrics for /metrics (docs/monitoring.md). */
  private static VertxOptions vertxOptions(DirectorConfig config) {
    return new VertxOptions().setPreferNativeTransport(true).setMetricsOptions(AdminApiVerticle.metricsOptions(config.id()));
  }

  private static String root(Throwable e) {
    Throwable t = e;
    while (t.getCause() != null && t.getCause() != t) {
      t = t.getCause();
    }
    return t.getMessage() == null ? t.toString() : t.getMessage();
  }

  private record ClusteredStart(ClusteredTable table, String seedName, boolean fileHasServices) {}

  /** The config file's services, each at the table's version, so that each has its own ETag. */
  static ServiceTable stamped(long version, List<VirtualService> services) {
    return ServiceTable.of(version, services.stream().map(s -> s.withServers(s.servers(), version)).toList());
  }

  /**
   * The restart rule (docs/configuration.md): the state file wins when it was written from the same config
   * file, since it then holds the run-time changes on top of it; an edited config file wins over it.
   */
  static StartupTable chooseTable(DirectorConfig config, boolean fromFile, Path stateDir) throws IOException {
    Optional<StateFile.Saved> saved = StateFile.load(stateDir);
    if (saved.isPresent() && (!fromFile || java.util.Objects.equals(config.digest(), saved.get().configDigest()))) {
      return new StartupTable(saved.get().table(), "the saved table in " + stateDir.resolve(StateFile.NAME));
    }
    long version = saved.map(s -> s.table().version() + 1).orElse(1L);
    ServiceTable table = stamped(version, config.services()).withTimeouts(config.timeouts().withVersion(version));
    String reason = !fromFile ? "an empty table"
        : saved.isPresent() ? "the config file, which changed since the saved table was written" : "the config file";
    return new StartupTable(table, reason);
  }

  private Future<Void> deploy(ClusteredStart clustered) {
    RoutingTable routing = new RoutingTable();
    String digest = config.digest();
    DataPlaneOptions dataPlane = new DataPlaneOptions(config.connectRetries(), config.connectTimeout(),
        config.drainTimeout(), DataPlaneOptions.defaults().backlog(), config.splice());
    JsonObject info = new JsonObject()
        .put("name", "vsd")
        .put("version", Version.VALUE)
        .put("directorId", config.id())
        .put("connectionTableSize", 4096)
        .put("nativeTransport", vertx.isNativeTransportEnabled())
        .put("cluster", cluster == null ? null : cluster.settings().name());
    admin = new AdminApiVerticle(config.admin().host(), config.admin().port(), info, auth.tokens());
    StateFile stateFile = new StateFile(stateDir, digest);
    ServiceTableVerticle table = clustered == null
        ? new ServiceTableVerticle(startup.table(), stateFile, config.id())
        : new ServiceTableVerticle(clustered.table(), stateFile, config.id());
    return vertx.deployVerticle(table)
        .compose(id -> {
          if (clustered != null) {
            startup = new StartupTable(table.table(), clusteredReason(table.startedBy(), clustered));
          }
          // The membership view first: the health verticle shards its probes over it (docs/cluster.md).
          return vertx.deployVerticle(new DirectorsVerticle(cluster, config.id()));
        })
        .compose(id -> vertx.deployVerticle(new HealthProbeVerticle(config.id(), config.execChecks())
            .shareState(cluster == null ? null : cluster.healthStates())))
        .compose(id -> vertx.deployVerticle(new SchedulingVerticle(routing, config.id())
            .shareTemplates(cluster == null ? null : cluster.templates())))
        // UDP first: the TCP data plane asks it for its listeners before it reports a snapshot applied.
        .compose(id -> vertx.deployVerticle(new UdpDataPlaneVerticle(routing,
            new UdpOptions(config.udpSessions()))))
        .compose(id -> vertx.deployVerticle(new TcpDataPlaneVerticle(routing, dataPlane)))
        .compose(id -> {
          dataPlaneDeployment = id;
          return vertx.deployVerticle(new StatsVerticle(config.id()));
        })
        .compose(id -> vertx.deployVerticle(admin))
        .mapEmpty();
  }

  private String clusteredReason(ClusteredTable.Start how, ClusteredStart clustered) {
    String name = "cluster \"" + cluster.settings().name() + "\"";
    boolean fileUsed = how == ClusteredTable.Start.FOUNDED && clustered.seedName().equals("the config file");
    String unused = clustered.fileHasServices() && !fileUsed
        ? "; the config file's services were not used (docs/cluster.md)" : "";
    return switch (how) {
      case FOUNDED -> clustered.seedName() + ", which started " + name + unused;
      case JOINED -> "the table of " + name + unused;
      case MERGED -> "the table of " + name + ", merged with this director's saved table" + unused;
    };
  }

  /** The cluster this director is a member of; null when standalone. */
  public ClusterMember cluster() {
    return cluster;
  }

  public Vertx vertx() {
    return vertx;
  }

  public StartupTable startupTable() {
    return startup;
  }

  public AdminAuth adminAuth() {
    return auth;
  }

  public Path stateDir() {
    return stateDir;
  }

  public int adminPort() {
    return admin.actualPort();
  }

  /**
   * Graceful stop, as on SIGTERM: the data plane stops accepting and lets open connections finish (up to
   * the drain timeout), then everything closes. Blocks: call it from a thread of the caller's, never from an
   * event loop (a future chained on Vert.x's own contexts would never complete once they are closed).
   */
  public void stop() {
    long drainMs = config.drainTimeout().toMillis();
    try {
      if (dataPlaneDeployment != null) {
        vertx.undeploy(dataPlaneDeployment).await(drainMs + 5_000, TimeUnit.MILLISECONDS);
      }
    } catch (Exception e) {
      LOG.log(System.Logger.Level.WARNING, "the data plane did not stop cleanly: " + e);
    }
    try {
      vertx.close().await(10, TimeUnit.SECONDS);
    } catch (Exception e) {
      LOG.log(System.Logger.Level.WARNING, "Vert.x did not close cleanly: " + e);
    }
  }
}
