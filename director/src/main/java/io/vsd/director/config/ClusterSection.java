package io.vsd.director.config;

import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import io.vsd.eventbus.cluster.ClusterSettings;
import io.vsd.services.model.Problem;
import java.math.BigDecimal;
import java.util.ArrayList;
import java.util.List;
import java.util.regex.Pattern;

/**
 * The {@code cluster:} mapping (docs/configuration.md, docs/cluster.md). Without it the director is
 * standalone; with it, clustered unless {@code enabled: false}. A key left out, or null, takes its default.
 */
final class ClusterSection {
  private ClusterSection() {}

  static final List<String> KEYS = List.of("enabled", "name", "port", "members", "interface", "event-bus-port");

  private static final Pattern NAME = Pattern.compile("[A-Za-z0-9][A-Za-z0-9._-]{0,63}");
  private static final Pattern IPV4 = Pattern.compile("\\d{1,3}(\\.\\d{1,3}){3}");

  static ClusterSettings parse(Object value, String at, List<Problem> problems) {
    if (value == null) {
      return ClusterSettings.STANDALONE;
    }
    if (!(value instanceof JsonObject json)) {
      problems.add(new Problem(at, "cluster must be a mapping of settings, got " + Checks.describe(value)));
      return ClusterSettings.STANDALONE;
    }
    Checks.knownKeys(json, at, KEYS, problems);
    boolean enabled = true;
    Object e = json.getValue("enabled");
    if (e instanceof Boolean b) {
      enabled = b;
    } else if (e != null) {
      problems.add(new Problem(at + "/enabled", "enabled must be true or false, got " + Checks.describe(e)));
    }
    String name = json.getValue("name") == null ? ClusterSettings.DEFAULT_NAME
        : report(() -> name(json.getValue("name")), at + "/name", ClusterSettings.DEFAULT_NAME, problems);
    int port = json.getValue("port") == null ? ClusterSettings.DEFAULT_PORT
        : report(() -> port(json.getValue("port"), "port"), at + "/port", ClusterSettings.DEFAULT_PORT, problems);
    List<String> members = new ArrayList<>();
    Object m = json.getValue("members");
    if (m instanceof JsonArray list) {
      for (int i = 0; i < list.size(); i++) {
        Object item = list.getValue(i);
        String member = report(() -> member(item, port), at + "/members/" + i, null, problems);
        if (member != null) {
          members.add(member);
        }
      }
    } else if (m != null) {
      problems.add(new Problem(at + "/members", "members must be a list of addresses such as 10.0.0.2:5701, got "
          + Checks.describe(m)));
    }
    String iface = json.getValue("interface") == null ? null
        : report(() -> ip(json.getValue("interface"), "interface"), at + "/interface", null, problems);
    Object bus = json.getValue("event-bus-port");
    int busPort = bus == null || (bus instanceof Number n && isWhole(n) && n.doubleValue() == 0) ? 0
        : report(() -> port(bus, "event-bus-port"), at + "/event-bus-port", 0, problems);
    return new ClusterSettings(enabled, name, port, members, iface, busPort);
  }

  private interface Check<T> {
    T get();
  }

  private static <T> T report(Check<T> check, String at, T fallback, List<Problem> problems) {
    try {
      return check.get();
    } catch (IllegalArgumentException e) {
      problems.add(new Problem(at, e.getMessage()));
      return fallback;
    }
  }

  /** A cluster name: letters, digits, '.', '-', '_', at most 64 characters. */
  static String name(Object value) {
    if (value instanceof String s && NAME.matcher(s).matches()) {
      return s;
    }
    throw new IllegalArgumentException("cluster name must be letters, digits, '.', '-' and '_' (at most 64), got "
        + Checks.describe(value));
  }

  static int port(Object value, String key) {
    if (value instanceof Number n && isWhole(n)) {
      BigDecimal b = new BigDecimal(n.toString());
      if (b.compareTo(BigDecimal.ONE) >= 0 && b.compareTo(BigDecimal.valueOf(65535)) <= 0) {
        return b.intValueExact();
      }
    }
    throw new IllegalArgumentException(key + " must be a port number between 1 and 65535, got " + Checks.describe(value));
  }

  private static boolean isWhole(Number n) {
    return !(n instanceof Double d && !Double.isFinite(d))
        && new BigDecimal(n.toString()).stripTrailingZeros().scale() <= 0;
  }

  /**
   * An IPv4 literal. Hazelcast runs on the IPv4 stack unless told otherwise, and nothing in the file is
   * resolved through DNS.
   */
  static String ip(Object value, String key) {
    if (value instanceof String s && IPV4.matcher(s).matches()) {
      boolean ok = true;
      for (String octet : s.split("\\.")) {
        ok &= Integer.parseInt(octet) <= 255;
      }
      if (ok) {
        return s;
      }
    }
    throw new IllegalArgumentException(key + " must be an IPv4 address such as 10.0.0.1, got " + Checks.describe(value));
  }

  /** A member, {@code ip:port}, or {@code ip} for the same port as this director's. */
  static String member(Object value, int defaultPort) {
    if (!(value instanceof String s) || s.isBlank()) {
      throw new IllegalArgumentException("a member must be an address such as 10.0.0.2:5701, got "
          + Checks.describe(value));
    }
    String text = s.trim();
    int colon = text.indexOf(':');
    String host = colon < 0 ? text : text.substring(0, colon);
    String portText = colon < 0 ? null : text.substring(colon + 1);
    if (portText != null && portText.matches("\\d+-\\d+")) {
      throw new IllegalArgumentException("member \"" + text + "\" names a port range; list each member on its own");
    }
    String ip;
    try {
      ip = ip(host, "a member's address");
    } catch (IllegalArgumentException e) {
      throw new IllegalArgumentException("member must be an IPv4 address and port such as 10.0.0.2:5701, got "
          + Checks.describe(value));
    }
    int port = defaultPort;
    if (portText != null) {
      if (!portText.matches("\\d{1,5}")) {
        throw new IllegalArgumentException("malformed port in member \"" + text + "\"");
      }
      port = port(Integer.parseInt(portText), "a member's port");
    }
    return ip + ":" + port;
  }
}
