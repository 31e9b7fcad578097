package io.vsd.director;

import io.vsd.director.config.CheckConfig;
import io.vsd.director.config.ConfigException;
import io.vsd.director.config.AuthSettings;
import io.vsd.director.config.ConfigLoader;
import io.vsd.director.config.DirectorConfig;
import io.vsd.director.demo.DemoBackends;
import io.vsd.director.keepalived.ImportKeepalived;
import java.io.IOException;
import java.io.InputStream;
import java.io.PrintStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import sun.misc.Signal;

/**
 * {@code bin/vsd [--config FILE] [--admin HOST:PORT] [--state-dir DIR] [--demo] [--cluster ...]}, and
 * {@code bin/vsd --check-config FILE}.
 */
public final class Main {
  private Main() {}

  static final String USAGE = """
      usage: vsd [--config FILE] [--admin HOST:PORT] [--state-dir DIR] [--drain-timeout DURATION] [--demo]
                 [--node-id ID] [--cluster [--cluster-name NAME] [--cluster-port PORT]
                 [--cluster-members IP:PORT,...] [--cluster-interface IP]]
             vsd --check-config FILE
             vsd import-keepalived FILE
             vsd --version | --help
        --config FILE        YAML config file (docs/configuration.md)
        --admin HOST:PORT    admin API address (default 127.0.0.1:9900)
        --state-dir DIR      where the table is saved (default $HOME/.local/state/vsd)
        --drain-timeout D    on SIGTERM, how long open connections may finish (default 30s)
        --demo               also start three demo real servers and a demo service on 127.0.0.1:8080
        --node-id ID         this director's id (director.id; default: the host name)
        --cluster            join a cluster of directors over Hazelcast (docs/cluster.md)
        --cluster-name NAME  only members with this name join (default vsd)
        --cluster-port PORT  this director's cluster port (default 5701)
        --cluster-members L  the other directors, IP:PORT separated by commas (TCP/IP join, no multicast)
        --cluster-interface IP  the address to listen on and advertise for the cluster
        --check-config FILE  validate FILE, print every error with its location, and exit
        import-keepalived FILE  print the vsd configuration of a keepalived.conf, and list on stderr what
                             could not be carried over (docs/keepalived.md); vsadm --import-keepalived FILE""";

  public static void main(String[] args) {
    System.exit(run(args, System.out, System.err, System.getenv()));
  }

  static int run(String[] args, PrintStream out, PrintStream err) {
    return run(args, out, err, System.getenv());
  }

  /** @param env where $VSD_ADMIN_TOKEN and $VSD_READONLY_TOKEN are read */
  static int run(String[] args, PrintStream out, PrintStream err, java.util.Map<String, String> env) {
    // bin/vsadm hands its --import-keepalived here: the converter needs the config model and its validation.
    if (args.length > 0 && (args[0].equals("import-keepalived") || args[0].equals("--import-keepalived"))) {
      return ImportKeepalived.run(args[0].startsWith("--") ? "vsadm" : "vsd",
          java.util.Arrays.asList(args).subList(1, args.length), out, err);
    }
    Path config = null;
    String admin = null;
    String stateDir = null;
    String drain = null;
    boolean demo = false;
    boolean cluster = false;
    String clusterName = null;
    String clusterPort = null;
    String clusterMembers = null;
    String clusterInterface = null;
    String nodeId = null;
    for (int i = 0; i < args.length; i++) {
      String a = args[i];
      try {
        switch (a) {
          case "--help", "-h" -> {
            out.println(USAGE);
            return 0;
          }
          case "--version" -> {
            out.println("vsd " + Version.VALUE);
            return 0;
          }
          case "--check-config" -> {
            return CheckConfig.run(Path.of(value(args, ++i, a)), out, err);
          }
          case "--config" -> config = Path.of(value(args, ++i, a));
          case "--admin" -> admin = value(args, ++i, a);
          case "--state-dir" -> stateDir = value(args, ++i, a);
          case "--drain-timeout" -> drain = value(args, ++i, a);
          case "--demo" -> demo = true;
          case "--cluster" -> cluster = true;
          case "--cluster-name" -> clusterName = value(args, ++i, a);
          case "--cluster-port" -> clusterPort = value(args, ++i, a);
          case "--cluster-members" -> clusterMembers = value(args, ++i, a);
          case "--cluster-interface" -> clusterInterface = value(args, ++i, a);
          case "--node-id" -> nodeId = value(args, ++i, a);
          default -> throw new IllegalArgumentException("unknown option " + a + " (see vsd --help)");
        }
      } catch (IllegalArgumentException e) {
        err.println("vsd: " + e.getMessage());
        return 2;
      }
    }
    if (demo && config != null) {
      err.println("vsd: --demo brings its own config; leave out --config");
      return 2;
    }
    DirectorConfig cfg;
    try {
      if (demo) {
        cfg = ConfigLoader.load(demoConfig());
        if (stateDir == null) {
          // The demo's table is kept apart, but its token is the host's usual one, where vsadm looks by default.
          cfg = cfg.withAuth(cfg.auth().withTokenFile(cfg.effectiveStateDir().resolve(AuthSettings.TOKEN_FILE)));
          stateDir = cfg.effectiveStateDir().resolve("demo").toString();
        }
      } else {
        cfg = config == null ? DirectorConfig.defaults() : ConfigLoader.load(config);
      }
      cfg = cfg.withOverrides(admin, stateDir == null ? null : Path.of(stateDir), drain)
          .withClusterOverrides(new DirectorConfig.ClusterOverrides(cluster, clusterName, clusterPort, clusterMembers,
              clusterInterface, nodeId));
      cfg = cfg.withAuth(cfg.auth().withEnvironment(env));
    } catch (ConfigException e) {
      e.errors().forEach(err::println);
      err.println("vsd: " + e.errors().size() + " error" + (e.errors().size() == 1 ? "" : "s")
          + " in the configuration; nothing was started");
      return 1;
    } catch (IllegalArgumentException | IOException e) {
      err.println("vsd: " + e.getMessage());
      return 2;
    }
    return serve(cfg, config != null || demo, demo, out, err);
  }

  private static String value(String[] args, int i, String option) {
    if (i >= args.length || args[i].startsWith("--")) {
      throw new IllegalArgumentException(option + " needs a value");
    }
    return args[i];
  }

  private static Path demoConfig() throws IOException {
    Path file = Files.createTempFile("vsd-demo", ".yaml");
    file.toFile().deleteOnExit();
    try (InputStream in = Main.class.getResourceAsStream("demo.yaml")) {
      Files.write(file, in.readAllBytes());
    }
    return file;
  }

  private static int serve(DirectorConfig cfg, boolean fromFile, boolean demo, PrintStream out, PrintStream err) {
    Director director;
    try {
      director = Director.start(cfg, fromFile).await(60, TimeUnit.SECONDS);
      if (demo) {
        DemoBackends.start(director.vertx()).await(10, TimeUnit.SECONDS);
      }
    } catch (Exception e) {
      err.println("vsd: could not start: " + rootMessage(e));
      return 1;
    }
    int services = director.startupTable().table().services().size();
    out.printf("vsd %s: director %s started from %s (table version %d, %d virtual service%s)%n", Version.VALUE,
        cfg.id(), director.startupTable().reason(), director.startupTable().table().version(), services,
        services == 1 ? "" : "s");
    if (director.cluster() != null) {
      var member = director.cluster();
      out.printf("vsd: cluster \"%s\": member %s; directors: %s%n", member.settings().name(), member.address(),
          String.join(", ", member.directors().stream().map(d -> d.id()).toList()));
    }
    out.printf("vsd: admin API on http://%s:%d/api/v1, state in %s, %s transport%n", hostForUrl(cfg.admin().host()),
        director.adminPort(), director.stateDir(), director.vertx().isNativeTransportEnabled() ? "epoll" : "NIO");
    Director.AdminAuth auth = director.adminAuth();
    if (auth.generatedFile() != null) {
      // vsadm looks in the default state dir by itself; anywhere else it has to be told.
      boolean found = auth.generatedFile().equals(DirectorConfig.defaultStateDir().resolve(AuthSettings.TOKEN_FILE));
      out.printf("vsd: admin token %s %s (mode 0600); %s%n", auth.created() ? "generated into" : "in",
          auth.generatedFile(), found ? "vsadm on this host reads it by default" : "vsadm --token-file " + auth.generatedFile());
    } else {
      out.printf("vsd: admin API tokens: %d configured (auth: in the config file, $%s, $%s)%n",
          cfg.auth().tokens().size(), AuthSettings.ENV_ADMIN, AuthSettings.ENV_READ_ONLY);
    }
    if (!isLoopback(cfg.admin().host())) {
      out.printf("vsd: warning: the admin API listens on %s, beyond this host, in plain HTTP: its tokens can be read "
          + "on the way; keep it on a trusted network (docs/admin-api.md)%n", cfg.admin());
    }
    if (demo) {
      out.println("vsd: demo real servers on 127.0.0.1:9001-9003; try:");
      out.println("       curl http://127.0.0.1:8080/      (run it a few times)");
      out.println("       bin/vsadm -L -n");
    }
    out.flush();

    CountDownLatch stop = new CountDownLatch(1);
    Signal.handle(new Signal("TERM"), s -> stop.countDown());
    Signal.handle(new Signal("INT"), s -> stop.countDown());
    // Any other way out of the JVM (SIGHUP, System.exit) still drains and leaves the cluster: Vert.x and
    // vertx-hazelcast register no hook of their own, and a member that just vanishes is only noticed by the
    // others when its heartbeats time out.
    java.util.concurrent.atomic.AtomicBoolean stopped = new java.util.concurrent.atomic.AtomicBoolean();
    Thread hook = new Thread(() -> {
      if (stopped.compareAndSet(false, true)) {
        director.stop();
      }
    }, "vsd-shutdown");
    Runtime.getRuntime().addShutdownHook(hook);
    try {
      stop.await();
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
    out.println("vsd: stopping: no new connections; open ones may finish within " + cfg.drainTimeout().toSeconds() + " s");
    out.flush();
    if (stopped.compareAndSet(false, true)) {
      director.stop();
    }
    out.println("vsd: stopped");
    return 0;
  }

  static boolean isLoopback(String host) {
    try {
      // An IP literal (ListenAddress admits no names): nothing is resolved.
      return java.net.InetAddress.getByName(host).isLoopbackAddress();
    } catch (java.net.UnknownHostException e) {
      return false;
    }
  }

  private static String hostForUrl(String host) {
    return host.contains(":") ? "[" + host + "]" : host;
  }

  private static String rootMessage(Throwable e) {
    Throwable t = e;
    while (t.getCause() != null && t.getCause() != t) {
      t = t.getCause();
    }
    return t.getMessage() == null ? t.toString() : t.getMessage();
  }
}
