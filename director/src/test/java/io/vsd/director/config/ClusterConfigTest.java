package io.vsd.director.config;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.vsd.eventbus.cluster.ClusterSettings;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;

/** The {@code cluster:} section and the command line's cluster options. */
class ClusterConfigTest {
  private static final Path FILE = Path.of("vsd.yaml");

  private static DirectorConfig load(String yaml) throws ConfigException {
    return ConfigLoader.load(FILE, yaml.getBytes(StandardCharsets.UTF_8));
  }

  private static List<String> errors(String yaml) {
    ConfigException e = assertThrows(ConfigException.class, () -> load(yaml));
    return e.errors().stream().map(ConfigError::toString).toList();
  }

  @Test
  void standaloneUnlessThereIsAClusterSection() throws Exception {
    assertEquals(ClusterSettings.STANDALONE, load("services: []\n").cluster());
    assertFalse(load("services: []\n").cluster().enabled());
    ClusterSettings c = load("""
        cluster:
          members: [10.0.0.2:5701, 10.0.0.3]
        """).cluster();
    assertTrue(c.enabled());
    assertEquals("vsd", c.name());
    assertEquals(5701, c.port());
    assertEquals(List.of("10.0.0.2:5701", "10.0.0.3:5701"), c.members());
    assertNull(c.interfaceAddress());
    assertFalse(load("cluster: {enabled: false, port: 5801}\n").cluster().enabled());
  }

  @Test
  void readsEveryKey() throws Exception {
    ClusterSettings c = load("""
        cluster:
          enabled: true
          name: prod-lb
          port: 5801
          members:
            - 10.0.0.2:5801
            - 10.0.0.3
          interface: 10.0.0.1
          event-bus-port: 5802
        """).cluster();
    assertEquals(new ClusterSettings(true, "prod-lb", 5801, List.of("10.0.0.2:5801", "10.0.0.3:5801"), "10.0.0.1", 5802),
        c);
  }

  @Test
  void everyErrorWithItsLocation() {
    assertEquals(List.of(
        "vsd.yaml:2:3: cluster.enabled: enabled must be true or false, got \"yes\"",
        "vsd.yaml:3:3: cluster.name: cluster name must be letters, digits, '.', '-' and '_' (at most 64), got \"my cluster\"",
        "vsd.yaml:4:3: cluster.port: port must be a port number between 1 and 65535, got 70000",
        "vsd.yaml:6:7: cluster.members[0]: member \"10.0.0.2:5701-5703\" names a port range; list each member on its own",
        "vsd.yaml:7:7: cluster.members[1]: member must be an IPv4 address and port such as 10.0.0.2:5701, got \"lb2.example.com:5701\"",
        "vsd.yaml:8:3: cluster.interface: interface must be an IPv4 address such as 10.0.0.1, got \"eth0\"",
        "vsd.yaml:9:3: cluster.multicast: unknown field \"multicast\"; expected one of: enabled, event-bus-port, interface, members, name, port"),
        errors("""
            cluster:
              enabled: yes
              name: my cluster
              port: 70000
              members:
                - 10.0.0.2:5701-5703
                - lb2.example.com:5701
              interface: eth0
              multicast: true
            """));
  }

  @Test
  void theCommandLineOverridesTheFile() throws Exception {
    DirectorConfig file = load("""
        director: {id: a}
        cluster: {name: prod, port: 5801}
        """);
    DirectorConfig c = file.withClusterOverrides(new DirectorConfig.ClusterOverrides(false, null, "5901",
        "127.0.0.1:5902, 127.0.0.1", "127.0.0.1", "b"));
    assertEquals("b", c.id());
    assertEquals(new ClusterSettings(true, "prod", 5901, List.of("127.0.0.1:5902", "127.0.0.1:5901"), "127.0.0.1", 0),
        c.cluster());
  }

  @Test
  void clusterOptionsNeedACluster() {
    DirectorConfig standalone = DirectorConfig.defaults();
    IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () ->
        standalone.withClusterOverrides(new DirectorConfig.ClusterOverrides(false, null, "5801", null, null, null)));
    assertEquals("--cluster-port needs --cluster (or a cluster: section in the config file)", e.getMessage());
    DirectorConfig on = standalone.withClusterOverrides(new DirectorConfig.ClusterOverrides(true, "t", "5801",
        "127.0.0.1:5802", null, null));
    assertTrue(on.cluster().enabled());
    assertEquals("t", on.cluster().name());
    IllegalArgumentException bad = assertThrows(IllegalArgumentException.class, () ->
        standalone.withClusterOverrides(new DirectorConfig.ClusterOverrides(true, null, "x", null, null, null)));
    assertEquals("--cluster-port must be a port number between 1 and 65535, got \"x\"", bad.getMessage());
    assertThrows(IllegalArgumentException.class, () ->
        standalone.withClusterOverrides(new DirectorConfig.ClusterOverrides(false, null, null, null, null, "no spaces")));
  }
}
