package io.vsd.director;

import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.core.VertxOptions;
import io.vertx.core.json.JsonObject;
import io.vsd.admin.http.AdminApiVerticle;
import io.vsd.dataplane.DataPlaneOptions;
import io.vsd.dataplane.TcpDataPlaneVerticle;
import io.vsd.director.config.DirectorConfig;
import io.vsd.health.HealthProbeVerticle;
import io.vsd.services.routing.RoutingTable;
import io.vsd.services.routing.SchedulingVerticle;
import io.vsd.services.table.ServiceTable;
import io.vsd.services.table.ServiceTableVerticle;
import io.vsd.services.table.StateFile;
import java.io.IOException;
import java.nio.file.Path;
import java.util.Optional;
import java.util.concurrent.TimeUnit;

/**
 * The composition root: builds Vert.x, decides which table to start from, and deploys the verticles in the
 * order the flows need them: the table, the health probes, the scheduling verticle (which asks both for their
 * state), the data plane, then the admin API.
 */
public final class Director {
  private static final System.Logger LOG = System.getLogger(Director.class.getName());

  private final Vertx vertx;
  private final DirectorConfig config;
  private final Path stateDir;
  private final StartupTable startup;
  private String dataPlaneDeployment;
  private AdminApiVerticle admin;

  /** Which table a director started from, and why: printed at start-up so an operator knows. */
  public record StartupTable(ServiceTable table, String reason) {}

  private Director(Vertx vertx, DirectorConfig config, Path stateDir, StartupTable startup) {
    this.vertx = vertx;
    this.config = config;
    this.stateDir = stateDir;
    this.startup = startup;
  }

  /**
   * Starts a standalone director.
   *
   * @param config   the config file's content, or {@link DirectorConfig#defaults()} with no file
   * @param fromFile whether {@code config} came from a file (its services then compete with the state file)
   */
  public static Future<Director> start(DirectorConfig config, boolean fromFile) {
    Path stateDir = config.effectiveStateDir();
    StartupTable startup;
    try {
      startup = chooseTable(config, fromFile, stateDir);
    } catch (IOException | RuntimeException e) {
      return Future.failedFuture(e);
    }
    Vertx vertx = Vertx.builder().with(new VertxOptions().setPreferNativeTransport(true)).build();
    Director director = new Director(vertx, config, stateDir, startup);
    return director.deploy().map(director).recover(e -> vertx.close().transform(v -> Future.failedFuture(e)));
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
    ServiceTable table = ServiceTable.of(version, config.services());
    String reason = !fromFile ? "an empty table"
        : saved.isPresent() ? "the config file, which changed since the saved table was written" : "the config file";
    return new StartupTable(table, reason);
  }

  private Future<Void> deploy() {
    RoutingTable routing = new RoutingTable();
    String digest = config.digest();
    DataPlaneOptions dataPlane = new DataPlaneOptions(config.connectRetries(), config.connectTimeout(),
        config.drainTimeout(), DataPlaneOptions.defaults().backlog());
    JsonObject info = new JsonObject()
        .put("name", "vsd")
        .put("version", Version.VALUE)
        .put("directorId", config.id())
        .put("connectionTableSize", 4096)
        .put("nativeTransport", vertx.isNativeTransportEnabled());
    admin = new AdminApiVerticle(config.admin().host(), config.admin().port(), info);
    return vertx.deployVerticle(new ServiceTableVerticle(startup.table(), new StateFile(stateDir, digest), config.id()))
        .compose(id -> vertx.deployVerticle(new HealthProbeVerticle(config.id(), config.execChecks())))
        .compose(id -> vertx.deployVerticle(new SchedulingVerticle(routing, config.id())))
        .compose(id -> vertx.deployVerticle(new TcpDataPlaneVerticle(routing, dataPlane)))
        .compose(id -> {
          dataPlaneDeployment = id;
          return vertx.deployVerticle(admin);
        })
        .mapEmpty();
  }

  public Vertx vertx() {
    return vertx;
  }

  public StartupTable startupTable() {
    return startup;
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
