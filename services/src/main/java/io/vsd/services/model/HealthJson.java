package io.vsd.services.model;

import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.math.BigDecimal;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.regex.PatternSyntaxException;

/**
 * The JSON of health settings (docs/health.md): a service's {@code check}, {@code onFailure}, {@code sorry},
 * {@code quorum} and {@code passive}, and a real server's {@code check}. Used by {@link ServiceJson}, so the API,
 * the config file and the state file read them alike. Every problem is reported with its JSON pointer.
 */
public final class HealthJson {
  private HealthJson() {}

  /** The service fields this class reads. */
  public static final List<String> SERVICE_KEYS = List.of("check", "onFailure", "sorry", "quorum", "passive");
  /** The real-server field this class reads. */
  public static final String SERVER_KEY = "check";

  /** Fields every check takes: timing, port and type. */
  static final List<String> COMMON_KEYS = List.of("type", "port", "interval", "fastInterval", "downInterval",
      "timeout", "rise", "fall", "jitter", "alpha");

  private static final Map<String, List<String>> TYPE_KEYS = new LinkedHashMap<>();

  static {
    TYPE_KEYS.put("none", List.of());
    TYPE_KEYS.put("tcp", List.of("send", "expect"));
    TYPE_KEYS.put("http", List.of("path", "host", "status", "body", "digest"));
    TYPE_KEYS.put("https", List.of("path", "host", "status", "body", "digest", "sni", "verify", "ca"));
    TYPE_KEYS.put("udp", List.of("send", "expect", "prefix"));
    TYPE_KEYS.put("dns", List.of("query", "qtype"));
    TYPE_KEYS.put("exec", List.of("command", "dynamicWeight"));
    TYPE_KEYS.put("agent", List.of("send"));
  }

  /** DNS query types by name; a number 1..65535 is taken too. */
  public static final Map<String, Integer> QTYPES = Map.ofEntries(Map.entry("A", 1), Map.entry("NS", 2),
      Map.entry("CNAME", 5), Map.entry("SOA", 6), Map.entry("PTR", 12), Map.entry("MX", 15), Map.entry("TXT", 16),
      Map.entry("AAAA", 28), Map.entry("SRV", 33), Map.entry("ANY", 255));

  private static final Duration MAX_DURATION = Duration.ofHours(24);
  private static final Pattern DURATION = Pattern.compile("(\\d+(?:\\.\\d+)?)(ms|s|m|h)?");
  private static final Pattern STATUS = Pattern.compile("([1-5]\\d\\d)(?:-([1-5]\\d\\d))?");
  private static final Pattern HEX32 = Pattern.compile("[0-9a-fA-F]{32}");
  private static final Pattern LABEL = Pattern.compile("[A-Za-z0-9_]([A-Za-z0-9_-]{0,61}[A-Za-z0-9_])?");

  /** The names of the check types. */
  public static Set<String> types() {
    return TYPE_KEYS.keySet();
  }

  /** The fields of one check type (beyond {@link #COMMON_KEYS}). */
  public static List<String> typeKeys(String type) {
    return TYPE_KEYS.getOrDefault(type, List.of());
  }

  // ---- services ----

  /** Reads a service's health fields from its JSON; problems go to {@code problems}. */
  public static ServiceHealth parseService(JsonObject json, String at, Endpoint service, List<Problem> problems) {
    HealthCheck check = parseCheck(json.getValue("check"), at + "/check", false, problems);
    ServiceHealth.OnFailure onFailure = ServiceHealth.OnFailure.REMOVE;
    Object of = json.getValue("onFailure");
    if (of != null) {
      if ("remove".equals(of)) {
        onFailure = ServiceHealth.OnFailure.REMOVE;
      } else if ("inhibit".equals(of)) {
        onFailure = ServiceHealth.OnFailure.INHIBIT;
      } else {
        problems.add(new Problem(at + "/onFailure", "onFailure must be \"remove\" or \"inhibit\", got " + describe(of)));
      }
    }
    Endpoint sorry = null;
    Object so = json.getValue("sorry");
    if (so instanceof String text) {
      try {
        sorry = Endpoint.parse(text, service == null ? 0 : service.port());
      } catch (IllegalArgumentException e) {
        problems.add(new Problem(at + "/sorry", "sorry server: " + e.getMessage()));
      }
    } else if (so != null) {
      problems.add(new Problem(at + "/sorry", "sorry must be an address such as \"10.0.0.9:80\", got " + describe(so)));
    }
    int quorum = 0;
    int hysteresis = 0;
    Object q = json.getValue("quorum");
    if (q instanceof JsonObject qo) {
      knownKeys(qo, at + "/quorum", List.of("weight", "hysteresis"), problems);
      Integer w = integer(qo.getValue("weight"), at + "/quorum/weight", "quorum weight", 0, Integer.MAX_VALUE, 0, problems);
      Integer h = integer(qo.getValue("hysteresis"), at + "/quorum/hysteresis", "quorum hysteresis", 0,
          Integer.MAX_VALUE, 0, problems);
      quorum = w == null ? 0 : w;
      hysteresis = h == null ? 0 : h;
    } else if (q != null) {
      Integer w = integer(q, at + "/quorum", "quorum", 0, Integer.MAX_VALUE, 0, problems);
      quorum = w == null ? 0 : w;
    }
    ServiceHealth.Passive passive = ServiceHealth.Passive.DEFAULT;
    Object p = json.getValue("passive");
    if (Boolean.FALSE.equals(p)) {
      passive = ServiceHealth.Passive.OFF;
    } else if (p instanceof JsonObject po) {
      knownKeys(po, at + "/passive", List.of("failures", "window"), problems);
      Integer f = integer(po.getValue("failures"), at + "/passive/failures", "passive failures", 0, 1000,
          ServiceHealth.Passive.DEFAULT.failures(), problems);
      Duration w = duration(po.getValue("window"), at + "/passive/window", "passive window", Duration.ofMillis(1),
          ServiceHealth.Passive.DEFAULT.window(), problems);
      if (f != null && w != null) {
        passive = new ServiceHealth.Passive(f, w);
      }
    } else if (p != null && !Boolean.TRUE.equals(p)) {
      problems.add(new Problem(at + "/passive", "passive must be false, true or {failures, window}, got " + describe(p)));
    }
    return new ServiceHealth(check, onFailure, sorry, quorum, hysteresis, passive);
  }

  /** Writes a service's health fields into its JSON; only what differs from the defaults. */
  public static void putService(JsonObject json, ServiceHealth h) {
    if (h.check() != null) {
      json.put("check", h.check().spec());
    }
    if (h.onFailure() != ServiceHealth.OnFailure.REMOVE) {
      json.put("onFailure", h.onFailure().id());
    }
    if (h.sorry() != null) {
      json.put("sorry", h.sorry().toString());
    }
    if (h.quorum() > 0 || h.hysteresis() > 0) {
      json.put("quorum", new JsonObject().put("weight", h.quorum()).put("hysteresis", h.hysteresis()));
    }
    if (!h.passive().equals(ServiceHealth.Passive.DEFAULT)) {
      json.put("passive", h.passive().enabled()
          ? new JsonObject().put("failures", h.passive().failures()).put("window", formatDuration(h.passive().window()))
          : Boolean.FALSE);
    }
  }

  /**
   * An edit of a service keeps the health fields its body does not name: they are not ipvsadm attributes, so an
   * ipvsadm-style edit ({@code vsadm -E}) must not drop them. A field given as null goes back to its default.
   */
  public static VirtualService keepUnsaid(JsonObject body, VirtualService edit, VirtualService current) {
    ServiceHealth e = edit.health();
    ServiceHealth c = current.health();
    ServiceHealth kept = new ServiceHealth(
        body.containsKey("check") ? e.check() : c.check(),
        body.containsKey("onFailure") ? e.onFailure() : c.onFailure(),
        body.containsKey("sorry") ? e.sorry() : c.sorry(),
        body.containsKey("quorum") ? e.quorum() : c.quorum(),
        body.containsKey("quorum") ? e.hysteresis() : c.hysteresis(),
        body.containsKey("passive") ? e.passive() : c.passive());
    return edit.withHealth(kept);
  }

  /** As {@link #keepUnsaid(JsonObject, VirtualService, VirtualService)}, for a real server's {@code check}. */
  public static RealServer keepUnsaid(JsonObject body, RealServer edit, RealServer current) {
    return body.containsKey(SERVER_KEY) ? edit : edit.withCheck(current.check());
  }

  // ---- checks ----

  /**
   * Reads a check. On a service, a check without a type is a TCP connect check. On a real server, a check
   * without a type changes only the timing and port of the service's check; one with a type replaces the
   * service's check but for the timing and port it leaves out.
   *
   * @return the check, or null when there is none or it has problems
   */
  public static HealthCheck parseCheck(Object value, String at, boolean onServer, List<Problem> problems) {
    if (value == null) {
      return null;
    }
    if (!(value instanceof JsonObject json)) {
      problems.add(new Problem(at, "check must be an object such as {\"type\": \"tcp\"}, got " + describe(value)));
      return null;
    }
    int before = problems.size();
    String type = null;
    Object t = json.getValue("type");
    if (t != null) {
      if (t instanceof String s && TYPE_KEYS.containsKey(s)) {
        type = s;
      } else {
        problems.add(new Problem(at + "/type", "unknown check type " + describe(t) + "; known types: "
            + String.join(", ", TYPE_KEYS.keySet())));
        return null;
      }
    }
    String effectiveType = type != null ? type : onServer ? null : "tcp";
    List<String> allowed = new ArrayList<>(COMMON_KEYS);
    if (effectiveType != null) {
      allowed.addAll(typeKeys(effectiveType));
    }
    for (String key : json.fieldNames()) {
      if (allowed.contains(key)) {
        continue;
      }
      boolean ofSomeType = TYPE_KEYS.values().stream().anyMatch(keys -> keys.contains(key));
      if (effectiveType == null && ofSomeType) {
        problems.add(new Problem(at + "/" + key, "\"" + key + "\" needs the check's type too: a real server's check"
            + " without a type only changes the timing and port of its service's check"));
      } else {
        problems.add(new Problem(at + "/" + key, "unknown field \"" + key + "\" for a " + (effectiveType == null
            ? "check without a type" : effectiveType + " check") + "; expected one of: "
            + String.join(", ", new TreeSet<>(allowed))));
      }
    }
    JsonObject out = new JsonObject();
    if (type != null) {
      out.put("type", type);
    }
    putInt(out, json, "port", at, "port", 1, 65535, problems);
    putDuration(out, json, "interval", at, Duration.ofMillis(10), problems);
    putDuration(out, json, "fastInterval", at, Duration.ofMillis(10), problems);
    putDuration(out, json, "downInterval", at, Duration.ofMillis(10), problems);
    putDuration(out, json, "timeout", at, Duration.ofMillis(1), problems);
    putInt(out, json, "rise", at, "rise", 1, 1000, problems);
    putInt(out, json, "fall", at, "fall", 1, 1000, problems);
    Object j = json.getValue("jitter");
    if (j != null) {
      if (j instanceof Number n && n.doubleValue() >= 0 && n.doubleValue() <= 1) {
        out.put("jitter", n.doubleValue());
      } else {
        problems.add(new Problem(at + "/jitter", "jitter must be a fraction between 0 and 1, got " + describe(j)));
      }
    }
    putBoolean(out, json, "alpha", at, problems);
    if (effectiveType != null) {
      parseTypeFields(effectiveType, json, out, at, problems);
    }
    return problems.size() > before ? null : new HealthCheck(out);
  }

  private static void parseTypeFields(String type, JsonObject json, JsonObject out, String at, List<Problem> problems) {
    switch (type) {
      case "tcp", "agent" -> {
        putString(out, json, "send", at, false, problems);
        if (type.equals("tcp")) {
          putRegex(out, json, "expect", at, problems);
        }
      }
      case "http", "https" -> {
        Object path = json.getValue("path");
        if (path != null) {
          if (path instanceof String s && s.startsWith("/") && noControl(s) && !s.contains(" ")) {
            out.put("path", s);
          } else {
            problems.add(new Problem(at + "/path", "path must start with / and hold no spaces, got " + describe(path)));
          }
        }
        Object host = json.getValue("host");
        if (host != null) {
          if (host instanceof String s && !s.isBlank() && noControl(s) && !s.contains(" ")) {
            out.put("host", s);
          } else {
            problems.add(new Problem(at + "/host", "host must be a host name (a Host header), got " + describe(host)));
          }
        }
        Object status = json.getValue("status");
        if (status != null) {
          JsonArray list = status instanceof JsonArray a ? a : new JsonArray().add(status);
          JsonArray norm = new JsonArray();
          for (int i = 0; i < list.size(); i++) {
            Object s = list.getValue(i);
            String text = s instanceof Number n ? n.toString() : s instanceof String str ? str.trim() : null;
            Matcher m = text == null ? null : STATUS.matcher(text);
            if (m == null || !m.matches() || (m.group(2) != null && Integer.parseInt(m.group(2)) < Integer.parseInt(m.group(1)))) {
              problems.add(new Problem(at + "/status" + (status instanceof JsonArray ? "/" + i : ""),
                  "status must be a code such as 200 or a range such as \"200-299\", got " + describe(s)));
            } else {
              norm.add(text);
            }
          }
          if (norm.isEmpty() && list.isEmpty()) {
            problems.add(new Problem(at + "/status", "status must list at least one code or range"));
          }
          out.put("status", norm);
        }
        putRegex(out, json, "body", at, problems);
        Object digest = json.getValue("digest");
        if (digest != null) {
          if (digest instanceof String s && HEX32.matcher(s).matches()) {
            out.put("digest", s.toLowerCase());
          } else {
            problems.add(new Problem(at + "/digest", "digest must be the MD5 of the body, 32 hex digits, got " + describe(digest)));
          }
        }
        if (type.equals("https")) {
          Object sni = json.getValue("sni");
          if (sni != null) {
            if (sni instanceof String s && hostName(s)) {
              out.put("sni", s);
            } else {
              problems.add(new Problem(at + "/sni", "sni must be a host name, got " + describe(sni)));
            }
          }
          putBoolean(out, json, "verify", at, problems);
          putString(out, json, "ca", at, true, problems);
        }
      }
      case "udp" -> {
        if (json.getValue("send") == null) {
          problems.add(new Problem(at + "/send", "a udp check needs a payload to send"));
        }
        putString(out, json, "send", at, true, problems);
        putRegex(out, json, "expect", at, problems);
        putString(out, json, "prefix", at, false, problems);
        if (out.containsKey("expect") && out.containsKey("prefix")) {
          problems.add(new Problem(at + "/prefix", "give expect (a regex) or prefix, not both"));
        }
      }
      case "dns" -> {
        Object q = json.getValue("query");
        if (q instanceof String s && hostName(s.endsWith(".") && s.length() > 1 ? s.substring(0, s.length() - 1) : s)) {
          out.put("query", s);
        } else {
          problems.add(new Problem(at + "/query", q == null ? "a dns check needs a name to query"
              : "query must be a domain name, got " + describe(q)));
        }
        Object qt = json.getValue("qtype");
        if (qt != null) {
          if (qt instanceof String s && QTYPES.containsKey(s.toUpperCase())) {
            out.put("qtype", s.toUpperCase());
          } else if (qt instanceof Number n && n.doubleValue() == n.intValue() && n.intValue() >= 1 && n.intValue() <= 65535) {
            out.put("qtype", String.valueOf(n.intValue()));
          } else {
            problems.add(new Problem(at + "/qtype", "qtype must be one of " + String.join(", ", new TreeSet<>(QTYPES.keySet()))
                + " or a number, got " + describe(qt)));
          }
        }
      }
      case "exec" -> {
        Object c = json.getValue("command");
        if (c instanceof String s && !s.isBlank()) {
          out.put("command", s);
        } else if (c instanceof JsonArray a && !a.isEmpty() && a.stream().allMatch(x -> x instanceof String)
            && !a.getString(0).isBlank()) {
          out.put("command", a.copy());
        } else {
          problems.add(new Problem(at + "/command", c == null ? "an exec check needs a command"
              : "command must be a string (run by /bin/sh -c) or a list of strings (program and arguments), got "
              + describe(c)));
        }
        putBoolean(out, json, "dynamicWeight", at, problems);
      }
      default -> { }
    }
  }

  /** Writes a real server's {@code check}; nothing when it has none. */
  public static void putServer(JsonObject json, HealthCheck check) {
    if (check != null) {
      json.put(SERVER_KEY, check.spec());
    }
  }

  // ---- durations ----

  /**
   * A duration as the config file writes them: {@code 500ms}, {@code 2s}, {@code 1.5s}, {@code 2m}, {@code 1h},
   * or a number of seconds.
   *
   * @throws IllegalArgumentException when it is none of these
   */
  public static Duration parseDuration(Object value) {
    BigDecimal amount;
    String unit = "s";
    if (value instanceof Number n) {
      amount = new BigDecimal(n.toString());
    } else if (value instanceof String s) {
      Matcher m = DURATION.matcher(s.trim());
      if (!m.matches()) {
        throw new IllegalArgumentException("must be a duration such as 200ms, 2s or 1m, got " + describe(value));
      }
      amount = new BigDecimal(m.group(1));
      unit = m.group(2) == null ? "s" : m.group(2);
    } else {
      throw new IllegalArgumentException("must be a duration such as 200ms, 2s or 1m, got " + describe(value));
    }
    BigDecimal ms = amount.multiply(BigDecimal.valueOf(switch (unit) {
      case "ms" -> 1;
      case "s" -> 1000;
      case "m" -> 60_000;
      default -> 3_600_000;
    }));
    if (ms.signum() < 0 || ms.stripTrailingZeros().scale() > 0) {
      throw new IllegalArgumentException("must be a whole number of milliseconds, got " + describe(value));
    }
    if (ms.compareTo(BigDecimal.valueOf(MAX_DURATION.toMillis())) > 0) {
      throw new IllegalArgumentException("must be at most 24h, got " + describe(value));
    }
    return Duration.ofMillis(ms.longValueExact());
  }

  /** {@code 200ms}, {@code 2s}, {@code 1500ms}: what {@link #parseDuration} reads back. */
  public static String formatDuration(Duration d) {
    long ms = d.toMillis();
    return ms % 1000 == 0 ? ms / 1000 + "s" : ms + "ms";
  }

  // ---- helpers ----

  private static void putDuration(JsonObject out, JsonObject json, String key, String at, Duration min,
                                  List<Problem> problems) {
    Duration d = duration(json.getValue(key), at + "/" + key, key, min, null, problems);
    if (d != null) {
      out.put(key, formatDuration(d));
    }
  }

  private static Duration duration(Object value, String at, String what, Duration min, Duration dflt,
                                   List<Problem> problems) {
    if (value == null) {
      return dflt;
    }
    try {
      Duration d = parseDuration(value);
      if (d.compareTo(min) >= 0) {
        return d;
      }
      problems.add(new Problem(at, what + " must be at least " + formatDuration(min) + ", got " + describe(value)));
    } catch (IllegalArgumentException e) {
      problems.add(new Problem(at, what + " " + e.getMessage()));
    }
    return null;
  }

  private static void putInt(JsonObject out, JsonObject json, String key, String at, String what, int min, int max,
                             List<Problem> problems) {
    if (json.getValue(key) != null) {
      Integer v = integer(json.getValue(key), at + "/" + key, what, min, max, 0, problems);
      if (v != null) {
        out.put(key, v);
      }
    }
  }

  private static void putBoolean(JsonObject out, JsonObject json, String key, String at, List<Problem> problems) {
    Object v = json.getValue(key);
    if (v instanceof Boolean b) {
      out.put(key, b);
    } else if (v != null) {
      problems.add(new Problem(at + "/" + key, key + " must be true or false, got " + describe(v)));
    }
  }

  private static void putString(JsonObject out, JsonObject json, String key, String at, boolean nonEmpty,
                                List<Problem> problems) {
    Object v = json.getValue(key);
    if (v instanceof String s && (!nonEmpty || !s.isEmpty())) {
      out.put(key, s);
    } else if (v != null) {
      problems.add(new Problem(at + "/" + key, key + " must be " + (nonEmpty ? "a non-empty" : "a") + " string, got "
          + describe(v)));
    }
  }

  private static void putRegex(JsonObject out, JsonObject json, String key, String at, List<Problem> problems) {
    Object v = json.getValue(key);
    if (v instanceof String s) {
      try {
        Pattern.compile(s);
        out.put(key, s);
      } catch (PatternSyntaxException e) {
        problems.add(new Problem(at + "/" + key, key + " is not a valid regular expression: "
            + e.getDescription() + " near index " + e.getIndex()));
      }
    } else if (v != null) {
      problems.add(new Problem(at + "/" + key, key + " must be a regular expression (a string), got " + describe(v)));
    }
  }

  private static Integer integer(Object value, String at, String what, int min, int max, int dflt,
                                 List<Problem> problems) {
    if (value == null) {
      return dflt;
    }
    if (value instanceof Number n) {
      BigDecimal d = new BigDecimal(n.toString());
      if (d.stripTrailingZeros().scale() <= 0 && d.compareTo(BigDecimal.valueOf(min)) >= 0
          && d.compareTo(BigDecimal.valueOf(max)) <= 0) {
        return d.intValueExact();
      }
    }
    problems.add(new Problem(at, what + " must be an integer between " + min + " and " + max + ", got " + describe(value)));
    return null;
  }

  private static void knownKeys(JsonObject json, String at, List<String> known, List<Problem> problems) {
    for (String key : json.fieldNames()) {
      if (!known.contains(key)) {
        problems.add(new Problem(at + "/" + key, "unknown field \"" + key + "\"; expected one of: "
            + String.join(", ", new TreeSet<>(known))));
      }
    }
  }

  private static boolean noControl(String s) {
    return s.chars().noneMatch(c -> c < 0x20 || c == 0x7f);
  }

  private static boolean hostName(String s) {
    if (s.isEmpty() || s.length() > 253) {
      return false;
    }
    for (String label : s.split("\\.", -1)) {
      if (!LABEL.matcher(label).matches()) {
        return false;
      }
    }
    return true;
  }

  static String describe(Object value) {
    return ServiceJson.describe(value);
  }
}
