package io.vsd.director.config;

import io.vsd.eventbus.cluster.ClusterSettings;
import io.vsd.services.model.Timeouts;
import io.vsd.services.model.VirtualService;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Objects;

/**
 * What a config file says (docs/configuration.md), validated, with every default filled in.
 *
 * @param id             this director's name in the cluster and in status streams
 * @param admin          where the admin API listens
 * @param stateDir       where state.json lives; null for {@link #defaultStateDir()}
 * @param drainTimeout   on SIGTERM, how long open connections may take to finish
 * @param connectTimeout how long connecting to a real server may take
 * @param connectRetries how many other real servers are tried after a failed connect
 * @param execChecks     whether exec health checks may run commands on this director (docs/health.md)
 * @param splice         whether the data plane forwards with splice(2) where it can (docs/performance.md)
 * @param services       the virtual services, in file order, each at version 0
 * @param digest         SHA-256 (lower-case hex) of the file's bytes; null when there is no file. The state
 *                       file records it, so a restart can tell an edited config file from the same one.
 * @param cluster        how to join a cluster; {@link ClusterSettings#STANDALONE} by default
 * @param auth           the admin API's tokens; {@link AuthSettings#NONE}: a generated one
 * @param timeouts       the connection timeouts of the {@code timeouts:} section; IPVS's defaults when absent
 * @param udpSessions    the most UDP sessions this director keeps (the least recently used is evicted beyond it)
 */
public record DirectorConfig(String id, ListenAddress admin, Path stateDir, Duration drainTimeout,
                             Duration connectTimeout, int connectRetries, boolean execChecks, boolean splice,
                             List<VirtualService> services, String digest, ClusterSettings cluster,
                             AuthSettings auth, Timeouts timeouts,
                             int udpSessions) {

  public static final ListenAddress DEFAULT_ADMIN = new ListenAddress("127.0.0.1", 9900);
  public static final Duration DEFAULT_DRAIN_TIMEOUT = Duration.ofSeconds(30);
  public static final Duration DEFAULT_CONNECT_TIMEOUT = Duration.ofSeconds(2);
  public static final int DEFAULT_CONNECT_RETRIES = 3;
  public static final boolean DEFAULT_SPLICE = io.vsd.dataplane.DataPlaneOptions.DEFAULT_SPLICE;
  public static final int DEFAULT_UDP_SESSIONS = 65536;

  public DirectorConfig {
    Objects.requireNonNull(id, "id");
    Objects.requireNonNull(admin, "admin");
    Objects.requireNonNull(drainTimeout, "drainTimeout");
    Objects.requireNonNull(connectTimeout, "connectTimeout");
    Objects.requireNonNull(cluster, "cluster");
    Objects.requireNonNull(auth, "auth");
    Objects.requireNonNull(timeouts, "timeouts");
    services = List.copyOf(services);
    if (udpSessions < 1) {
      throw new IllegalArgumentException("udpSessions must be 1 or more, got " + udpSessions);
    }
  }

  /** Without tokens (the director generates one, see {@link AuthSettings}), splice at its default. */
  public DirectorConfig(String id, ListenAddress admin, Path stateDir, Duration drainTimeout, Duration connectTimeout,
                        int connectRetries, boolean execChecks, List<VirtualService> services, String digest,
                        ClusterSettings cluster) {
    this(id, admin, stateDir, drainTimeout, connectTimeout, connectRetries, execChecks, DEFAULT_SPLICE, services,
        digest, cluster, AuthSettings.NONE, Timeouts.DEFAULT, DEFAULT_UDP_SESSIONS);
  }

  /** This config with other auth settings (the environment's tokens, or a test's). */
  public DirectorConfig withAuth(AuthSettings a) {
    return new DirectorConfig(id, admin, stateDir, drainTimeout, connectTimeout, connectRetries, execChecks, splice,
        services, digest, cluster, a, timeouts, udpSessions);
  }

  /** Running with no config file: every setting at its default, no services, no digest. */
  public static DirectorConfig defaults() {
    return new DirectorConfig(HostName.local(), DEFAULT_ADMIN, null, DEFAULT_DRAIN_TIMEOUT,
        DEFAULT_CONNECT_TIMEOUT, DEFAULT_CONNECT_RETRIES, false, DEFAULT_SPLICE, List.of(), null,
        ClusterSettings.STANDALONE, AuthSettings.NONE, Timeouts.DEFAULT, DEFAULT_UDP_SESSIONS);
  }

  /** {@code $HOME/.local/state/vsd}. */
  public static Path defaultStateDir() {
    return Path.of(System.getProperty("user.home"), ".local", "state", "vsd");
  }

  /** {@link #stateDir()}, or the default when the file named none. */
  public Path effectiveStateDir() {
    return stateDir != null ? stateDir : defaultStateDir();
  }

  public int realServerCount() {
    return services.stream().mapToInt(s -> s.servers().size()).sum();
  }

  /**
   * This config with the command line's overrides ({@code --admin}, {@code --state-dir},
   * {@code --drain-timeout}); a null leaves the setting as it is. The digest stays the file's.
   *
   * @throws IllegalArgumentException with an operator's message when an override is malformed
   */
  public DirectorConfig withOverrides(String adminText, Path stateDirOverride, String drainText) {
    ListenAddress a = adminText == null ? admin : ListenAddress.parse(adminText);
    Duration drain = drainTimeout;
    if (drainText != null) {
      try {
        drain = Durations.parse(drainText);
      } catch (IllegalArgumentException e) {
        throw new IllegalArgumentException("--drain-timeout: " + e.getMessage(), e);
      }
    }
    return new DirectorConfig(id, a, stateDirOverride == null ? stateDir : stateDirOverride, drain, connectTimeout,
        connectRetries, execChecks, splice, services, digest, cluster, auth, timeouts, udpSessions);
  }

  /**
   * The command line's cluster options over the file's {@code cluster:} section ({@code --cluster},
   * {@code --cluster-name}, {@code --cluster-port}, {@code --cluster-members}, {@code --cluster-interface}) and
   * {@code --node-id} over {@code director.id}. A null leaves the setting as it is.
   *
   * @throws IllegalArgumentException with an operator's message when an option is malformed, or names a
   *     cluster setting while the director is not clustered
   */
  public DirectorConfig withClusterOverrides(ClusterOverrides o) {
    String newId = id;
    if (o.nodeId() != null) {
      if (!DirectorSection.isValidId(o.nodeId())) {
        throw new IllegalArgumentException("--node-id must be a name of letters, digits, '.', '-' and '_', got \""
            + o.nodeId() + "\"");
      }
      newId = o.nodeId();
    }
    ClusterSettings c = o.cluster() ? cluster.withEnabled(true) : cluster;
    String given = o.name() != null ? "--cluster-name" : o.port() != null ? "--cluster-port"
        : o.members() != null ? "--cluster-members" : o.iface() != null ? "--cluster-interface" : null;
    if (given != null && !c.enabled()) {
      throw new IllegalArgumentException(given + " needs --cluster (or a cluster: section in the config file)");
    }
    try {
      if (o.name() != null) {
        c = c.withName(ClusterSection.name(o.name()));
      }
      if (o.port() != null) {
        int port = ClusterSection.port(o.port().matches("\\d{1,9}") ? Integer.parseInt(o.port()) : o.port(), "--cluster-port");
        c = c.withPort(port);
      }
      if (o.members() != null) {
        java.util.List<String> members = new java.util.ArrayList<>();
        for (String m : o.members().split(",")) {
          if (!m.isBlank()) {
            members.add(ClusterSection.member(m.trim(), c.port()));
          }
        }
        c = c.withMembers(members);
      }
      if (o.iface() != null) {
        c = c.withInterface(ClusterSection.ip(o.iface(), "--cluster-interface"));
      }
    } catch (IllegalArgumentException e) {
      throw new IllegalArgumentException(e.getMessage(), e);
    }
    return new DirectorConfig(newId, admin, stateDir, drainTimeout, connectTimeout, connectRetries, execChecks, splice,
        services, digest, c, auth, timeouts, udpSessions);
  }

  /** The command line's cluster options; null where not given. */
  public record ClusterOverrides(boolean cluster, String name, String port, String members, String iface,
                                 String nodeId) {
    public static final ClusterOverrides NONE = new ClusterOverrides(false, null, null, null, null, null);
  }
}
