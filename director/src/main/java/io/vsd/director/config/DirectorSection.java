package io.vsd.director.config;

import io.vertx.core.json.JsonObject;
import io.vsd.services.model.Problem;
import java.math.BigDecimal;
import java.nio.file.InvalidPathException;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.regex.Pattern;

/** The {@code director:} mapping: this director's own settings. A key left out, or null, takes its default. */
final class DirectorSection {
  private DirectorSection() {}

  static final List<String> KEYS =
      List.of("id", "admin", "state-dir", "drain-timeout", "connect-timeout", "connect-retries", "exec-checks",
          "splice", "udp-sessions");

  /** Host names qualify; the id shows up in metrics labels, URLs and event-bus messages. */
  private static final Pattern ID = Pattern.compile("[A-Za-z0-9][A-Za-z0-9._-]{0,252}");
  private static final Duration MAX_TIMEOUT = Duration.ofHours(24);
  private static final int MAX_UDP_SESSIONS = 16_777_216;

  /** The settings, each valid or at its default; what was wrong is in {@code problems}. */
  record Settings(String id, ListenAddress admin, Path stateDir, Duration drainTimeout, Duration connectTimeout,
                  int connectRetries, boolean execChecks, boolean splice, int udpSessions) {}

  /**
   * @param at      the pointer of the mapping ("/director")
   * @param baseDir what a relative state-dir is relative to: the config file's directory
   */
  static Settings parse(Object value, String at, Path baseDir, List<Problem> problems) {
    JsonObject json = new JsonObject();
    if (value instanceof JsonObject o) {
      json = o;
      Checks.knownKeys(json, at, KEYS, problems);
    } else if (value != null) {
      problems.add(new Problem(at, "director must be a mapping of settings, got " + Checks.describe(value)));
    }
    return new Settings(
        id(json.getValue("id"), at + "/id", problems),
        admin(json.getValue("admin"), at + "/admin", problems),
        stateDir(json.getValue("state-dir"), at + "/state-dir", baseDir, problems),
        duration(json.getValue("drain-timeout"), at + "/drain-timeout", "drain-timeout", Duration.ZERO,
            DirectorConfig.DEFAULT_DRAIN_TIMEOUT, problems),
        // 0 would mean "no timeout" to a socket; a connect that never gives up is not what anyone wants.
        duration(json.getValue("connect-timeout"), at + "/connect-timeout", "connect-timeout", Duration.ofMillis(1),
            DirectorConfig.DEFAULT_CONNECT_TIMEOUT, problems),
        retries(json.getValue("connect-retries"), at + "/connect-retries", problems),
        execChecks(json.getValue("exec-checks"), at + "/exec-checks", problems),
        splice(json.getValue("splice"), at + "/splice", problems),
        udpSessions(json.getValue("udp-sessions"), at + "/udp-sessions", problems));
  }

  private static boolean splice(Object value, String at, List<Problem> problems) {
    if (value == null) {
      return DirectorConfig.DEFAULT_SPLICE;
    }
    if (value instanceof Boolean b) {
      return b;
    }
    problems.add(new Problem(at, "splice must be true or false, got " + Checks.describe(value)));
    return DirectorConfig.DEFAULT_SPLICE;
  }

  /** Off unless said: an exec check runs a command that anyone who can reach the admin API can set. */
  private static boolean execChecks(Object value, String at, List<Problem> problems) {
    if (value == null) {
      return false;
    }
    if (value instanceof Boolean b) {
      return b;
    }
    problems.add(new Problem(at, "exec-checks must be true or false, got " + Checks.describe(value)));
    return false;
  }

  static boolean isValidId(String id) {
    return ID.matcher(id).matches();
  }

  private static String id(Object value, String at, List<Problem> problems) {
    if (value == null) {
      return HostName.local();
    }
    if (value instanceof String s && ID.matcher(s).matches()) {
      return s;
    }
    problems.add(new Problem(at, "id must be a name of letters, digits, '.', '-' and '_' (a host name will do)"
        + (value instanceof String ? "" : " written as a string") + ", got " + Checks.describe(value)));
    return "";
  }

  private static ListenAddress admin(Object value, String at, List<Problem> problems) {
    if (value == null) {
      return DirectorConfig.DEFAULT_ADMIN;
    }
    if (!(value instanceof String s)) {
      problems.add(new Problem(at, "admin must be an address such as 127.0.0.1:9900 or [::1]:9900, got "
          + Checks.describe(value)));
      return DirectorConfig.DEFAULT_ADMIN;
    }
    try {
      return ListenAddress.parse(s);
    } catch (IllegalArgumentException e) {
      problems.add(new Problem(at, e.getMessage()));
      return DirectorConfig.DEFAULT_ADMIN;
    }
  }

  private static Path stateDir(Object value, String at, Path baseDir, List<Problem> problems) {
    if (value == null) {
      return null;
    }
    if (value instanceof String s && !s.isBlank()) {
      try {
        // Relative to the config file, not to wherever the director happened to be started from.
        return baseDir.resolve(s).normalize();
      } catch (InvalidPathException e) {
        problems.add(new Problem(at, "state-dir is not a valid path: " + e.getReason()));
        return null;
      }
    }
    problems.add(new Problem(at, "state-dir must be a directory path, got " + Checks.describe(value)));
    return null;
  }

  private static Duration duration(Object value, String at, String key, Duration min, Duration dflt,
                                   List<Problem> problems) {
    if (value == null) {
      return dflt;
    }
    try {
      Duration d = Durations.parse(value);
      if (d.compareTo(min) >= 0 && d.compareTo(MAX_TIMEOUT) <= 0) {
        return d;
      }
      problems.add(new Problem(at, key + " must be between " + Durations.format(min) + " and "
          + Durations.format(MAX_TIMEOUT) + ", got " + Checks.describe(value)));
    } catch (IllegalArgumentException e) {
      problems.add(new Problem(at, key + " " + e.getMessage()));
    }
    return dflt;
  }

  /** The UDP session table's bound: each session holds a socket, so the file-descriptor limit bounds it too. */
  private static int udpSessions(Object value, String at, List<Problem> problems) {
    if (value == null) {
      return DirectorConfig.DEFAULT_UDP_SESSIONS;
    }
    if (value instanceof Number n && !(n instanceof Double d && !Double.isFinite(d))) {
      BigDecimal b = new BigDecimal(n.toString());
      if (b.stripTrailingZeros().scale() <= 0 && b.signum() > 0 && b.compareTo(BigDecimal.valueOf(MAX_UDP_SESSIONS)) <= 0) {
        return b.intValueExact();
      }
    }
    problems.add(new Problem(at, "udp-sessions must be a whole number from 1 to " + MAX_UDP_SESSIONS + ", got "
        + Checks.describe(value)));
    return DirectorConfig.DEFAULT_UDP_SESSIONS;
  }

  private static int retries(Object value, String at, List<Problem> problems) {
    if (value == null) {
      return DirectorConfig.DEFAULT_CONNECT_RETRIES;
    }
    if (value instanceof Number n && !(n instanceof Double d && !Double.isFinite(d))) {
      BigDecimal b = new BigDecimal(n.toString());
      if (b.stripTrailingZeros().scale() <= 0 && b.signum() >= 0
          && b.compareTo(BigDecimal.valueOf(Integer.MAX_VALUE)) <= 0) {
        return b.intValueExact();
      }
    }
    problems.add(new Problem(at, "connect-retries must be a whole number, 0 or more, got " + Checks.describe(value)));
    return DirectorConfig.DEFAULT_CONNECT_RETRIES;
  }
}
