package io.vsd.eventbus.cluster;

import com.hazelcast.cluster.Member;
import com.hazelcast.cluster.MembershipEvent;
import com.hazelcast.cluster.MembershipListener;
import com.hazelcast.config.Config;
import com.hazelcast.config.MapConfig;
import com.hazelcast.config.MultiMapConfig;
import com.hazelcast.config.NetworkConfig;
import com.hazelcast.core.HazelcastInstance;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.core.VertxOptions;
import io.vertx.core.eventbus.EventBusOptions;
import io.vertx.spi.cluster.hazelcast.HazelcastClusterManager;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.logging.Level;
import java.util.logging.Logger;

/**
 * This process as a member of a vsd cluster: a clustered Vert.x on Hazelcast, joined over TCP/IP to a list of
 * members (never multicast), as docs/cluster.md describes. It also hands out what the rest of vsd needs of
 * Hazelcast: the shared table value and the membership of directors.
 */
public final class ClusterMember {
  /** The Hazelcast member attribute that holds a director's id; members without it (subscribers) are not directors. */
  public static final String DIRECTOR_ATTRIBUTE = "vsd.director";
  /** The map that holds the service table, under {@link #TABLE_KEY}. */
  public static final String TABLE_MAP = "vsd.table";
  public static final String TABLE_KEY = "table";
  /** The replicated map that holds the persistence templates of every director (docs/cluster.md). */
  public static final String TEMPLATES_MAP = "vsd.templates";
  /** The replicated map that holds the last known state of every health check of the cluster (docs/cluster.md). */
  public static final String HEALTH_MAP = "vsd.health.state";

  /**
   * Hazelcast properties vsd sets unless the same system property is given ({@code -Dhazelcast.x=y} wins).
   * Joins take ~0.3 s instead of ~5 s; a dead member is dropped after 10 s without heartbeats instead of
   * 60 s; and a split brain is looked for every 10 s instead of after 5 minutes.
   */
  static final Map<String, String> DEFAULT_PROPERTIES = Map.of(
      "hazelcast.phone.home.enabled", "false",
      "hazelcast.wait.seconds.before.join", "0",
      "hazelcast.max.wait.seconds.before.join", "0",
      "hazelcast.heartbeat.interval.seconds", "1",
      "hazelcast.max.no.heartbeat.seconds", "10",
      "hazelcast.merge.first.run.delay.seconds", "10",
      "hazelcast.merge.next.run.delay.seconds", "10");

  /** Kept so that the level set on it stays (JUL holds loggers weakly). */
  private static final Logger HAZELCAST_JUL = Logger.getLogger("com.hazelcast");

  private final Vertx vertx;
  private final HazelcastInstance hazelcast;
  private final ClusterSettings settings;
  private final String directorId;

  private ClusterMember(Vertx vertx, HazelcastInstance hazelcast, ClusterSettings settings, String directorId) {
    this.vertx = vertx;
    this.hazelcast = hazelcast;
    this.settings = settings;
    this.directorId = directorId;
  }

  /**
   * Joins the cluster as director {@code directorId}. Fails when another member already is that director.
   *
   * @param options the Vert.x options to start from; the event bus's host and port are set here
   */
  public static Future<ClusterMember> start(ClusterSettings settings, String directorId, VertxOptions options) {
    return start(settings, directorId, options, false);
  }

  /**
   * Joins as a lite member that is no director: it holds none of the cluster's data and is left out of the
   * membership view. This is how an application subscribes to vsd's streams (docs/cluster.md).
   */
  public static Future<ClusterMember> startSubscriber(ClusterSettings settings, VertxOptions options) {
    return start(settings, null, options, true);
  }

  private static Future<ClusterMember> start(ClusterSettings settings, String directorId, VertxOptions options,
                                             boolean lite) {
    quietHazelcastLogs();
    Config config = hazelcastConfig(settings, directorId, lite);
    HazelcastClusterManager manager = new HazelcastClusterManager(config);
    EventBusOptions bus = options.getEventBusOptions();
    if (settings.interfaceAddress() != null) {
      bus.setHost(settings.interfaceAddress());
    }
    bus.setPort(settings.eventBusPort());
    return Vertx.builder().with(options).withClusterManager(manager).buildClustered().compose(vertx -> {
      ClusterMember member = new ClusterMember(vertx, manager.getHazelcastInstance(), settings, directorId);
      String twin = directorId == null ? null : member.twinOf(directorId);
      if (twin != null) {
        return vertx.close().transform(v -> Future.failedFuture(new IllegalStateException("director id \"" + directorId
            + "\" is already taken in cluster \"" + settings.name() + "\" by the member at " + twin
            + "; give each director its own id (--node-id, or director.id in the config file)")));
      }
      return Future.succeededFuture(member);
    });
  }

  /** The Hazelcast configuration for {@code settings}: TCP/IP join to the member list, nothing discovered. */
  public static Config hazelcastConfig(ClusterSettings settings, String directorId, boolean lite) {
    Config config = new Config();
    config.setClusterName(settings.name());
    config.setInstanceName("vsd-" + (directorId == null ? "subscriber-" + UUID.randomUUID() : directorId)
        + "-" + UUID.randomUUID().toString().substring(0, 8));
    config.setLiteMember(lite);
    DEFAULT_PROPERTIES.forEach((k, v) -> {
      if (System.getProperty(k) == null) {
        config.setProperty(k, v);
      }
    });
    NetworkConfig network = config.getNetworkConfig();
    network.setPort(settings.port()).setPortAutoIncrement(false);
    if (lite) {
      // A subscriber listens wherever it can: the port is only for the members to call back.
      network.setPort(0).setPortAutoIncrement(true);
    }
    network.getJoin().getMulticastConfig().setEnabled(false);
    network.getJoin().getAutoDetectionConfig().setEnabled(false);
    network.getJoin().getTcpIpConfig().setEnabled(true).setMembers(new ArrayList<>(settings.members()));
    if (settings.interfaceAddress() != null) {
      network.getInterfaces().setEnabled(true).addInterface(settings.interfaceAddress());
      // Listen on that address only, not on every interface of the host.
      if (System.getProperty("hazelcast.socket.bind.any") == null) {
        config.setProperty("hazelcast.socket.bind.any", "false");
      }
    }
    if (directorId != null) {
      config.getMemberAttributeConfig().setAttribute(DIRECTOR_ATTRIBUTE, directorId);
    }
    // What vertx-hazelcast's default-cluster.xml declares; a programmatic config has to repeat it.
    config.addMultiMapConfig(new MultiMapConfig("__vertx.subs").setBackupCount(1)
        .setValueCollectionType(MultiMapConfig.ValueCollectionType.SET));
    config.addMapConfig(new MapConfig("__vertx.haInfo").setBackupCount(1));
    config.addMapConfig(new MapConfig("__vertx.nodeInfo").setBackupCount(1));
    // The table: a copy on every member (up to 7), read locally. Losing members loses no table as long as one
    // is left; and every director also keeps its own copy and puts it back if the map ever lost it.
    config.addMapConfig(new MapConfig(TABLE_MAP).setBackupCount(MapConfig.MAX_BACKUP_COUNT).setReadBackupData(true));
    return config;
  }

  /** Hazelcast logs every join and partition migration at INFO; vsd says what matters itself. */
  private static void quietHazelcastLogs() {
    if (System.getProperty("java.util.logging.config.file") == null && System.getProperty("vsd.hazelcast.log") == null) {
      HAZELCAST_JUL.setLevel(Level.WARNING);
    }
  }

  private String twinOf(String id) {
    for (Member m : hazelcast.getCluster().getMembers()) {
      if (!m.localMember() && id.equals(m.getAttribute(DIRECTOR_ATTRIBUTE))) {
        return m.getAddress().getHost() + ":" + m.getAddress().getPort();
      }
    }
    return null;
  }

  public Vertx vertx() {
    return vertx;
  }

  public HazelcastInstance hazelcast() {
    return hazelcast;
  }

  public ClusterSettings settings() {
    return settings;
  }

  public String directorId() {
    return directorId;
  }

  /** This member's Hazelcast address, {@code host:port}. */
  public String address() {
    return address(hazelcast.getCluster().getLocalMember());
  }

  static String address(Member m) {
    String host = m.getAddress().getHost();
    return (host.contains(":") ? "[" + host + "]" : host) + ":" + m.getAddress().getPort();
  }

  /** The shared table value. */
  public SharedValue table() {
    return new HazelcastSharedValue(hazelcast, TABLE_MAP, TABLE_KEY);
  }

  private HazelcastSharedMap templates;

  /** The shared persistence templates: one map per member, made on first use. */
  public synchronized SharedMap templates() {
    if (templates == null) {
      // Its writer is a virtual thread: it keeps no JVM alive, and ends with Hazelcast's shutdown.
      templates = new HazelcastSharedMap(hazelcast, TEMPLATES_MAP);
    }
    return templates;
  }

  private HazelcastSharedMap healthStates;

  /** The shared last known state of health checks, by check id: one map per member, made on first use. */
  public synchronized SharedMap healthStates() {
    if (healthStates == null) {
      healthStates = new HazelcastSharedMap(hazelcast, HEALTH_MAP);
    }
    return healthStates;
  }

  /** The directors in the cluster now, oldest first. */
  public List<DirectorInfo> directors() {
    List<DirectorInfo> list = new ArrayList<>();
    for (Member m : hazelcast.getCluster().getMembers()) {
      String id = m.getAttribute(DIRECTOR_ATTRIBUTE);
      if (id != null) {
        list.add(new DirectorInfo(id, address(m)));
      }
    }
    return list;
  }

  /** A director in the membership view. */
  public record DirectorInfo(String id, String address) {}

  /** A director joined or left. */
  public record MembershipChange(boolean joined, DirectorInfo director, boolean reportedHere) {}

  /**
   * Calls {@code listener} on a Hazelcast thread for each director that joins or leaves. {@code reportedHere} is
   * true on exactly one member: the oldest one after the change, which publishes it.
   */
  public AutoCloseable onMembership(java.util.function.Consumer<MembershipChange> listener) {
    UUID id = hazelcast.getCluster().addMembershipListener(new MembershipListener() {
      @Override
      public void memberAdded(MembershipEvent e) {
        report(true, e);
      }

      @Override
      public void memberRemoved(MembershipEvent e) {
        report(false, e);
      }

      private void report(boolean joined, MembershipEvent e) {
        String director = e.getMember().getAttribute(DIRECTOR_ATTRIBUTE);
        if (director == null) {
          return;
        }
        boolean oldest = !e.getMembers().isEmpty() && e.getMembers().iterator().next().localMember();
        listener.accept(new MembershipChange(joined, new DirectorInfo(director, address(e.getMember())), oldest));
      }
    });
    return () -> hazelcast.getCluster().removeMembershipListener(id);
  }

  @Override
  public String toString() {
    return "cluster \"" + settings.name() + "\" member " + address();
  }
}
