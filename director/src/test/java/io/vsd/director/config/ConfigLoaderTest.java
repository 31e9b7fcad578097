package io.vsd.director.config;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;

import io.vsd.services.model.ForwardingMethod;
import io.vsd.services.model.Persistence;
import io.vsd.services.model.Protocol;
import io.vsd.services.model.RealServer;
import io.vsd.services.model.VirtualService;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

class ConfigLoaderTest {
  private static final Path FILE = Path.of("vsd.yaml");

  @TempDir
  Path dir;

  private static DirectorConfig load(String yaml) throws ConfigException {
    return ConfigLoader.load(FILE, yaml.getBytes(StandardCharsets.UTF_8));
  }

  /** The error lines for {@code yaml}, as --check-config prints them. */
  private static List<String> errors(String yaml) {
    ConfigException e = assertThrows(ConfigException.class, () -> load(yaml));
    return e.errors().stream().map(ConfigError::toString).toList();
  }

  @Test
  void loadsEveryValueOfAFullFile() throws Exception {
    DirectorConfig c = load("""
        director:
          id: director-1
          admin: "[::1]:9901"
          state-dir: /var/lib/vsd
          drain-timeout: 2m
          connect-timeout: 500ms
          connect-retries: 0
          splice: false
          udp-sessions: 1000
        services:
          - protocol: udp
            address: 10.0.0.1:53
            scheduler: rr
            ops: true
          - address: 127.0.0.1:8080
            scheduler: wrr
            flags: []
            persistence: {timeout: 600, netmask: 255.255.255.0}
            servers:
              - address: 127.0.0.1:9001
                weight: 4
                forward: masq
                upper: 100
                lower: 10
              - address: 127.0.0.1
              - {address: "127.0.0.2:9003", weight: 0}
          - address: "[2001:db8::1]:443"
            persistence: {}
        """);
    assertEquals("director-1", c.id());
    assertEquals(new ListenAddress("::1", 9901), c.admin());
    assertEquals("[::1]:9901", c.admin().toString());
    assertEquals(Path.of("/var/lib/vsd"), c.stateDir());
    assertEquals(Duration.ofMinutes(2), c.drainTimeout());
    assertEquals(Duration.ofMillis(500), c.connectTimeout());
    assertEquals(0, c.connectRetries());
    assertEquals(false, c.splice());
    assertEquals(1000, c.udpSessions());
    assertEquals(3, c.services().size());
    assertEquals(3, c.realServerCount());

    VirtualService dns = c.services().get(0);
    assertEquals("udp/10.0.0.1:53", dns.key().toString());
    assertEquals(Protocol.UDP, dns.key().protocol());
    assertEquals("rr", dns.scheduler());
    assertEquals(true, dns.ops());
    assertNull(dns.persistence());
    assertEquals(List.of(), dns.servers());

    VirtualService web = c.services().get(1);
    assertEquals("tcp/127.0.0.1:8080", web.key().toString());
    assertEquals("wrr", web.scheduler());
    assertEquals(List.of(), web.flags());
    assertEquals(new Persistence(600, "255.255.255.0"), web.persistence());
    assertEquals(0, web.version());
    List<RealServer> servers = web.servers();
    assertEquals(3, servers.size());
    assertEquals("127.0.0.1:9001", servers.get(0).endpoint().toString());
    assertEquals(ForwardingMethod.MASQ, servers.get(0).forward());
    assertEquals(4, servers.get(0).weight());
    assertEquals(100, servers.get(0).upper());
    assertEquals(10, servers.get(0).lower());
    // No port: the service's port; no weight: 1.
    assertEquals("127.0.0.1:8080", servers.get(1).endpoint().toString());
    assertEquals(1, servers.get(1).weight());
    assertEquals("127.0.0.2:9003", servers.get(2).endpoint().toString());
    assertEquals(0, servers.get(2).weight());

    VirtualService v6 = c.services().get(2);
    assertEquals("tcp/[2001:db8::1]:443", v6.key().toString());
    assertEquals("wlc", v6.scheduler());
    assertEquals(new Persistence(300, "128"), v6.persistence());
  }

  @Test
  void fillsDefaults() throws Exception {
    DirectorConfig c = load("services: []\n");
    DirectorConfig d = DirectorConfig.defaults();
    assertEquals(d.id(), c.id());
    assertEquals(HostName.local(), c.id());
    assertEquals(new ListenAddress("127.0.0.1", 9900), c.admin());
    assertNull(c.stateDir());
    assertEquals(DirectorConfig.defaultStateDir(), c.effectiveStateDir());
    assertEquals(Duration.ofSeconds(30), c.drainTimeout());
    assertEquals(Duration.ofSeconds(2), c.connectTimeout());
    assertEquals(3, c.connectRetries());
    assertEquals(io.vsd.dataplane.DataPlaneOptions.DEFAULT_SPLICE, c.splice());
    assertEquals(List.of(), c.services());
    assertEquals(d.admin(), c.admin());
    assertEquals(d.drainTimeout(), c.drainTimeout());
    assertEquals(d.connectTimeout(), c.connectTimeout());
    assertEquals(d.connectRetries(), c.connectRetries());
    assertNull(d.digest());
    assertEquals(64, c.digest().length());
  }

  @Test
  void emptyValuesTakeTheirDefaults() throws Exception {
    DirectorConfig c = load("""
        director:
          id:
          drain-timeout: ~
        services:
        """);
    assertEquals(HostName.local(), c.id());
    assertEquals(Duration.ofSeconds(30), c.drainTimeout());
    assertEquals(List.of(), c.services());
  }

  @Test
  void spliceMustBeTrueOrFalse() {
    assertEquals(List.of("vsd.yaml:2:3: director.splice: splice must be true or false, got \"yes\""),
        errors("director:\n  splice: \"yes\"\n"));
  }

  @Test
  void relativeStateDirIsRelativeToTheConfigFile() throws Exception {
    Path file = dir.resolve("etc/vsd.yaml");
    Files.createDirectories(file.getParent());
    Files.writeString(file, "director:\n  state-dir: ../state\n");
    assertEquals(dir.resolve("state").toAbsolutePath().normalize(), ConfigLoader.load(file).stateDir());
  }

  @Test
  void reportsEveryErrorAtItsLineAndColumn() {
    List<String> errors = errors("""
        director:
          id: director-1
          admin: ::1:9900
          drain-timeout: 30x
          colour: blue
        services:
          - address: 127.0.0.1:8080
            scheduler: wrrr
            persistence: {timeout: 0, netmask: 255.255.255.0}
            servers:
              - address: 127.0.0.1:9001
                weight: 70000
                forward: route
              - address: 127.0.0.1:99999
          - scheduler: rr
          - address: 127.0.0.1:8080
            ops: true
        extra: 1
        """);
    assertEquals(List.of(
        "vsd.yaml:3:3: director.admin: malformed address \"::1:9900\": write IPv6 addresses in brackets, as in [2001:db8::1]:80",
        "vsd.yaml:4:3: director.drain-timeout: drain-timeout must be a duration such as 500ms, 30s, 2m or 1h, or a number of seconds, got \"30x\"",
        "vsd.yaml:5:3: director.colour: unknown field \"colour\"; expected one of: admin, connect-retries, connect-timeout, drain-timeout, exec-checks, id, splice, state-dir, udp-sessions",
        "vsd.yaml:8:5: services[0].scheduler: unknown scheduler \"wrrr\"; known schedulers: rr, wrr, lc, wlc, lblc, lblcr, dh, sh, sed, nq, fo, ovf, mh, twos, chb",
        "vsd.yaml:9:19: services[0].persistence.timeout: persistence timeout must be an integer between 1 and 2147483647, got 0",
        "vsd.yaml:12:9: services[0].servers[0].weight: weight must be an integer between 0 and 65535, got 70000",
        "vsd.yaml:13:9: services[0].servers[0].forward: forwarding method route (-g) is not available yet: vsd forwards by masquerading (masq, -m)",
        "vsd.yaml:14:9: services[0].servers[1].address: port must be between 1 and 65535, got 99999",
        // A missing key is shown where its mapping starts.
        "vsd.yaml:15:5: services[1].address: address is missing",
        // Found although services[0] has errors of its own.
        "vsd.yaml:16:5: services[2].address: duplicate virtual service tcp/127.0.0.1:8080 (first at line 7)",
        "vsd.yaml:17:5: services[2].ops: one-packet scheduling (-o) applies to UDP services only",
        "vsd.yaml:18:1: extra: unknown field \"extra\"; expected one of: auth, cluster, director, services, timeouts"), errors);
  }

  @Test
  void unknownKeysAtEveryLevel() {
    assertEquals(List.of(
        "vsd.yaml:2:3: director.admn: unknown field \"admn\"; expected one of: admin, connect-retries, connect-timeout, drain-timeout, exec-checks, id, splice, state-dir, udp-sessions",
        "vsd.yaml:5:5: services[0].schedular: unknown field \"schedular\"; expected one of: address, check, flags, hashBalanceFactor, mhTableSize, onFailure, ops, passive, persistence, protocol, quorum, scheduler, servers, slowStart, sorry",
        "vsd.yaml:8:9: services[0].servers[0].wieght: unknown field \"wieght\"; expected one of: address, check, forward, lower, upper, weight",
        "vsd.yaml:9:1: service: unknown field \"service\"; expected one of: auth, cluster, director, services, timeouts"), errors("""
        director:
          admn: 127.0.0.1:9900
        services:
          - address: 127.0.0.1:80
            schedular: rr
            servers:
              - address: 127.0.0.1:81
                wieght: 2
        service: []
        """));
  }

  @Test
  void readOnlyFieldsOfTheAdminApiAreRefused() {
    assertEquals(List.of(
        "vsd.yaml:3:5: services[0].version: \"version\" is read-only (the admin API reports it) and cannot be set in a config file",
        "vsd.yaml:5:33: services[0].servers[0].activeConns: \"activeConns\" is read-only (the admin API reports it) and cannot be set in a config file"),
        errors("""
            services:
              - address: 127.0.0.1:80
                version: 3
                servers:
                  - {address: 127.0.0.1:81, activeConns: 2}
            """));
  }

  @Test
  void yamlSyntaxErrorIsReportedWhereTheParserFoundIt() {
    // Mis-indented key: the parser's location, and the context it was in.
    assertEquals(List.of(
        "vsd.yaml:3:4: YAML syntax error: expected <block end>, but found '<block mapping start>' (while parsing a block collection at line 2, column 3)"),
        errors("""
            services:
              - address: 127.0.0.1:80
               scheduler: rr
            """));
    assertEquals(List.of(
        "vsd.yaml:3:1: YAML syntax error: found unexpected end of stream (while scanning a quoted scalar at line 2, column 10)"),
        errors("director:\n  admin: \"127.0.0.1:9900\n"));
    assertEquals(List.of("vsd.yaml:3:10: YAML syntax error: mapping values are not allowed here"),
        errors("director:\n  id: a\n    admin: b\n"));
    assertEquals(List.of(
        "vsd.yaml:3:1: YAML syntax error: found character '\\t(TAB)' that cannot start any token. (Do not use \\t(TAB) for indentation)"),
        errors("director:\n  id: a\n\tadmin: b\n"));
  }

  @Test
  void errorsBeforeASyntaxErrorAreKept() {
    assertEquals(List.of(
        "vsd.yaml:3:3: director.id: duplicate key \"id\" (first at line 2)",
        "vsd.yaml:6:1: YAML syntax error: expected ',' or ']', but got <stream end> (while parsing a flow sequence at line 4, column 11)"),
        errors("director:\n  id: a\n  id: b\nservices: [{address: 127.0.0.1:80},\n  x: 1\n"));
  }

  @Test
  void duplicateKeysAreAllReported() {
    assertEquals(List.of(
        "vsd.yaml:3:3: director.id: duplicate key \"id\" (first at line 2)",
        "vsd.yaml:7:5: services[0].servers: duplicate key \"servers\" (first at line 6)"), errors("""
        director:
          id: a
          id: b
        services:
          - address: 127.0.0.1:80
            servers: []
            servers: []
        """));
  }

  @Test
  void duplicateServicesAndRealServers() {
    assertEquals(List.of(
        "vsd.yaml:5:9: services[0].servers[1].address: duplicate real server 127.0.0.1:81",
        "vsd.yaml:7:5: services[2].address: duplicate virtual service tcp/127.0.0.1:80 (first at line 2)"), errors("""
        services:
          - address: 127.0.0.1:80
            servers:
              - address: 127.0.0.1:81
              - address: 127.0.0.1:81
          - {address: 127.0.0.1:80, protocol: udp}
          - address: 127.0.0.1:80
        """));
  }

  @ParameterizedTest
  @CsvSource(delimiter = '|', value = {
      "500ms    | 500",
      "30s      | 30000",
      "2m       | 120000",
      "1h       | 3600000",
      "45       | 45000",
      "1.5      | 1500",
      "'\"1.5s\"' | 1500",
      "'\"7\"'  | 7000",
      "0        | 0",
      "24h      | 86400000"})
  void durations(String written, long millis) throws Exception {
    assertEquals(Duration.ofMillis(millis), load("director:\n  drain-timeout: " + written + "\n").drainTimeout());
  }

  @ParameterizedTest
  @CsvSource(delimiter = '|', value = {
      "30x     | drain-timeout must be a duration such as 500ms, 30s, 2m or 1h, or a number of seconds, got \"30x\"",
      "-1s     | drain-timeout must be a duration such as 500ms, 30s, 2m or 1h, or a number of seconds, got \"-1s\"",
      "30 s    | drain-timeout must be a duration such as 500ms, 30s, 2m or 1h, or a number of seconds, got \"30 s\"",
      "true    | drain-timeout must be a duration such as 500ms, 30s, 2m or 1h, or a number of seconds, got true",
      "[1]     | drain-timeout must be a duration such as 500ms, 30s, 2m or 1h, or a number of seconds, got a list",
      "0.5ms   | drain-timeout must be a whole number of milliseconds, got \"0.5ms\"",
      "-5      | drain-timeout must be between 0s and 24h, got -5",
      "25h     | drain-timeout must be between 0s and 24h, got \"25h\"",
      "1e400   | drain-timeout must be a duration such as 500ms, 30s, 2m or 1h, or a number of seconds, got \"1e400\"",
      "99999999999999999999h | drain-timeout must be between 0s and 24h, got \"99999999999999999999h\""})
  void badDurations(String written, String message) {
    assertEquals(List.of("vsd.yaml:2:3: director.drain-timeout: " + message),
        errors("director:\n  drain-timeout: " + written + "\n"));
  }

  @Test
  void connectTimeoutMustBePositive() {
    assertEquals(List.of("vsd.yaml:2:3: director.connect-timeout: connect-timeout must be between 1ms and 24h, got \"0s\""),
        errors("director:\n  connect-timeout: 0s\n"));
  }

  @ParameterizedTest
  @CsvSource(delimiter = '|', value = {"0", "-5", "2.5", "'\"many\"'", "16777217"})
  void udpSessionsMustBeAWholeNumberFrom1(String written) {
    assertEquals(List.of("vsd.yaml:2:3: director.udp-sessions: udp-sessions must be a whole number from 1 to 16777216, got "
        + written), errors("director:\n  udp-sessions: " + written + "\n"));
    assertEquals(DirectorConfig.DEFAULT_UDP_SESSIONS, DirectorConfig.defaults().udpSessions());
  }

  @ParameterizedTest
  @CsvSource(delimiter = '|', value = {"-1", "1.5", "'\"3\"'", "2147483648"})
  void connectRetriesMustBeAWholeNumberNotNegative(String written) {
    assertEquals(List.of("vsd.yaml:2:3: director.connect-retries: connect-retries must be a whole number, 0 or more, got "
        + written), errors("director:\n  connect-retries: " + written + "\n"));
  }

  @ParameterizedTest
  @CsvSource(delimiter = '|', value = {
      "::1:9900          | malformed address \"::1:9900\": write IPv6 addresses in brackets, as in [2001:db8::1]:80",
      "127.0.0.1:70000   | port must be between 1 and 65535, got 70000",
      "127.0.0.1:0       | port must be between 1 and 65535, got 0",
      "127.0.0.1         | address \"127.0.0.1\" needs a port, as in 10.0.0.1:80",
      "localhost:9900    | malformed address \"localhost:9900\": expected an IPv4 address or a bracketed IPv6 address",
      "9900              | admin must be an address such as 127.0.0.1:9900 or [::1]:9900, got 9900"})
  void badAdminAddress(String written, String message) {
    assertEquals(List.of("vsd.yaml:2:3: director.admin: " + message), errors("director:\n  admin: " + written + "\n"));
  }

  @Test
  void adminAddressKeepsIpv6WithoutResolving() throws Exception {
    assertEquals(new ListenAddress("0.0.0.0", 9000), load("director: {admin: 0.0.0.0:9000}\n").admin());
    assertEquals(new ListenAddress("::", 9000), load("director: {admin: '[::]:9000'}\n").admin());
  }

  @Test
  void badIdAndStateDir() {
    assertEquals(List.of(
        "vsd.yaml:2:3: director.id: id must be a name of letters, digits, '.', '-' and '_' (a host name will do), got \"a b\"",
        "vsd.yaml:3:3: director.state-dir: state-dir must be a directory path, got 7"),
        errors("director:\n  id: a b\n  state-dir: 7\n"));
    assertEquals(List.of(
        "vsd.yaml:1:12: director.id: id must be a name of letters, digits, '.', '-' and '_' (a host name will do) written as a string, got 1"),
        errors("director: {id: 1}\n"));
  }

  @Test
  void theTopLevelMustBeOneMapping() {
    assertEquals(List.of("vsd.yaml:1:1: the file holds no settings: expected a mapping with the keys director and services"),
        errors("# nothing yet\n"));
    assertEquals(List.of("vsd.yaml:1:1: the top level must be a mapping with the keys director and services, got a list"),
        errors("- address: 127.0.0.1:80\n"));
    assertEquals(List.of("vsd.yaml:3:1: a config file holds one YAML document; remove the second one (from its ---)"),
        errors("services: []\n---\nservices: []\n"));
    assertEquals(List.of("vsd.yaml:1:1: director: director must be a mapping of settings, got \"x\"",
            "vsd.yaml:2:1: services: services must be a list of virtual services, got a mapping"),
        errors("director: x\nservices: {address: 127.0.0.1:80}\n"));
  }

  @Test
  void yamlScalarsAreTypedAsJsonWouldBe() throws Exception {
    // yes/no/on/off stay strings (YAML 1.2), so ops: yes is refused rather than guessed.
    assertEquals(List.of("vsd.yaml:3:5: services[0].ops: ops must be true or false"),
        errors("services:\n  - address: 127.0.0.1:53\n    ops: yes\n    protocol: udp\n"));
    // A quoted number is a string, as in JSON.
    assertEquals(List.of("vsd.yaml:4:33: services[0].servers[0].weight: weight must be an integer between 0 and 65535, got \"4\""),
        errors("services:\n  - address: 127.0.0.1:80\n    servers:\n      - {address: 127.0.0.1:81, weight: \"4\"}\n"));
    // 4.0 is a whole number, and a weight.
    assertEquals(4, load("services:\n  - address: 127.0.0.1:80\n    servers: [{address: 127.0.0.1:81, weight: 4.0}]\n")
        .services().getFirst().servers().getFirst().weight());
  }

  @Test
  void aliasesAreRefused() {
    assertEquals(List.of(
        "vsd.yaml:4:5: services[1].address: malformed address \"vip\": expected an IPv4 address or a bracketed IPv6 address",
        // An alias is shown where it is, not at its key.
        "vsd.yaml:4:14: services[1].address: YAML aliases (*vip) are not supported; write the value out"),
        errors("""
            services:
              - address: &vip 127.0.0.1:80
              - protocol: udp
                address: *vip
            """));
  }

  @Test
  void invalidUtf8IsReportedWhereItIs() {
    byte[] bytes = "director:\n  id: caf\u00e9\u00e9\n".getBytes(StandardCharsets.ISO_8859_1);
    ConfigException e = assertThrows(ConfigException.class, () -> ConfigLoader.load(FILE, bytes));
    assertEquals(List.of("vsd.yaml:2:10: the file is not valid UTF-8 (byte 0xe9)"),
        e.errors().stream().map(ConfigError::toString).toList());
  }

  @Test
  void byteOrderMarkIsAllowed() throws Exception {
    assertEquals("a", load("\uFEFFdirector: {id: a}\n").id());
  }

  @Test
  void missingFileIsOneErrorWithoutALocation() {
    Path missing = dir.resolve("nope.yaml");
    ConfigException e = assertThrows(ConfigException.class, () -> ConfigLoader.load(missing));
    assertEquals(List.of(new ConfigError(missing, 0, 0, "", "no such file")), e.errors());
    assertEquals(missing + ": no such file", e.getMessage());
  }

  @Test
  void digestFollowsTheBytesOfTheFile() throws Exception {
    Path file = dir.resolve("vsd.yaml");
    Files.writeString(file, "services: []\n");
    String first = ConfigLoader.load(file).digest();
    // sha256sum of the same bytes
    assertEquals("a163d50c2e1cc570bf3f1da6033e37fd6154cc9ea2a9197574a17e3a11b43618", first);
    assertEquals(first, ConfigLoader.load(file).digest(), "same file, same digest");
    Files.writeString(file, "services: []\n");
    assertEquals(first, ConfigLoader.load(file).digest(), "rewritten with the same bytes, same digest");
    Files.writeString(file, "services: []  # a comment is an edit too\n");
    assertNotEquals(first, ConfigLoader.load(file).digest());
  }
}
