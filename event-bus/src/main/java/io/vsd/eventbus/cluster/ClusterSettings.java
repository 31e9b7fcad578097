package io.vsd.eventbus.cluster;

import java.util.List;
import java.util.Objects;

/**
 * How a director joins its cluster (docs/cluster.md, docs/configuration.md's {@code cluster:} section).
 *
 * @param enabled         false: standalone, and nothing of Hazelcast is started
 * @param name            the cluster's name: members with another name never join this cluster
 * @param port            the Hazelcast member port this director listens on (no auto-increment)
 * @param members         the other directors, as {@code ip:port}; the join is TCP/IP to these, never multicast
 * @param interfaceAddress the IP address to bind and advertise, or null to let Hazelcast pick one
 * @param eventBusPort    the clustered event bus's port; 0 for a free port
 */
public record ClusterSettings(boolean enabled, String name, int port, List<String> members, String interfaceAddress,
                              int eventBusPort) {

  public static final String DEFAULT_NAME = "vsd";
  public static final int DEFAULT_PORT = 5701;

  /** Standalone: the default. */
  public static final ClusterSettings STANDALONE =
      new ClusterSettings(false, DEFAULT_NAME, DEFAULT_PORT, List.of(), null, 0);

  public ClusterSettings {
    Objects.requireNonNull(name, "name");
    members = List.copyOf(members);
  }

  public ClusterSettings withEnabled(boolean on) {
    return new ClusterSettings(on, name, port, members, interfaceAddress, eventBusPort);
  }

  public ClusterSettings withName(String n) {
    return new ClusterSettings(enabled, n, port, members, interfaceAddress, eventBusPort);
  }

  public ClusterSettings withPort(int p) {
    return new ClusterSettings(enabled, name, p, members, interfaceAddress, eventBusPort);
  }

  public ClusterSettings withMembers(List<String> m) {
    return new ClusterSettings(enabled, name, port, m, interfaceAddress, eventBusPort);
  }

  public ClusterSettings withInterface(String ip) {
    return new ClusterSettings(enabled, name, port, members, ip, eventBusPort);
  }
}
