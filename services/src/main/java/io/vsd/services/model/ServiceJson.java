package io.vsd.services.model;

import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import io.vsd.services.scheduler.SchedulerConfig;
import io.vsd.services.scheduler.Schedulers;
import java.math.BigDecimal;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * The JSON form of services and real servers (docs/admin-api.md), shared by the admin API, the config file
 * and the state file. Parsing validates every field and reports each problem with a JSON pointer, so a
 * caller can show all of them at once and apply none.
 */
public final class ServiceJson {
  private ServiceJson() {}

  private static final Set<String> SERVICE_FIELDS = union(
      Set.of("protocol", "address", "scheduler", "flags", "mhTableSize", "hashBalanceFactor", "persistence", "ops",
          "slowStart", "servers"), HealthJson.SERVICE_KEYS);
  private static final Set<String> SERVICE_READ_ONLY = Set.of("version", "stats", "listener", "health");
  private static final Set<String> SERVER_FIELDS =
      union(Set.of("address", "forward", "weight", "upper", "lower"), Set.of(HealthJson.SERVER_KEY));
  private static final Set<String> SERVER_READ_ONLY =
      Set.of("activeConns", "inactConns", "persistConns", "effectiveWeight", "health");

  private static Set<String> union(Set<String> a, java.util.Collection<String> b) {
    Set<String> all = new HashSet<>(a);
    all.addAll(b);
    return Set.copyOf(all);
  }

  /**
   * Parses a service. Problems go to {@code problems} with {@code at} as the pointer prefix.
   *
   * @param allowServers whether a "servers" list may be given (create: yes; edit: no)
   * @return the service (version 0), or null when there were problems
   */
  public static VirtualService parseService(Object input, String at, boolean allowServers, List<Problem> problems) {
    int before = problems.size();
    if (!(input instanceof JsonObject json)) {
      problems.add(new Problem(at, "a service must be an object"));
      return null;
    }
    checkFields(json, at, SERVICE_FIELDS, SERVICE_READ_ONLY, problems);
    if (!allowServers && json.containsKey("servers")) {
      problems.add(new Problem(at + "/servers", "real servers are not edited here: use the service's /servers resource"));
    }
    Protocol protocol = Protocol.TCP;
    Object p = json.getValue("protocol");
    if (p != null) {
      try {
        protocol = Protocol.parse(p instanceof String s ? s : String.valueOf(p));
      } catch (IllegalArgumentException e) {
        problems.add(new Problem(at + "/protocol", e.getMessage()));
      }
    }
    Endpoint endpoint = endpoint(json.getValue("address"), at + "/address", 0, problems);

    String scheduler = VirtualService.DEFAULT_SCHEDULER;
    Object s = json.getValue("scheduler");
    if (s != null) {
      if (!(s instanceof String name) || !Schedulers.isKnown(name)) {
        problems.add(new Problem(at + "/scheduler",
            "unknown scheduler " + describe(s) + "; known schedulers: " + String.join(", ", Schedulers.names())));
      } else {
        scheduler = name;
      }
    }
    List<String> flags = new ArrayList<>();
    Object f = json.getValue("flags");
    if (f instanceof JsonArray array) {
      for (int i = 0; i < array.size(); i++) {
        Object flag = array.getValue(i);
        if (!(flag instanceof String name)) {
          problems.add(new Problem(at + "/flags/" + i, "a scheduler flag must be a string"));
        } else if (!Schedulers.flags(scheduler).contains(name)) {
          Set<String> known = Schedulers.flags(scheduler);
          problems.add(new Problem(at + "/flags/" + i, "unknown flag \"" + name + "\" for scheduler " + scheduler
              + (known.isEmpty() ? ", which takes no flags" : "; it takes: " + String.join(", ", known.stream().sorted().toList()))));
        } else if (!flags.contains(name)) {
          flags.add(name);
        }
      }
    } else if (f != null) {
      problems.add(new Problem(at + "/flags", "flags must be a list of strings"));
    }
    // With an unknown scheduler, the fields' "applies to" checks would only repeat that error.
    boolean knownScheduler = s == null || s instanceof String name && Schedulers.isKnown(name);
    Integer mhTableSize = VirtualService.DEFAULT_MH_TABLE_SIZE;
    Object mh = json.getValue("mhTableSize");
    if (mh != null) {
      mhTableSize = integer(mh, at + "/mhTableSize", "mhTableSize", SchedulerConfig.MIN_MH_TABLE_SIZE,
          SchedulerConfig.MAX_MH_TABLE_SIZE, VirtualService.DEFAULT_MH_TABLE_SIZE, problems);
      if (mhTableSize != null && !SchedulerConfig.isValidMhTableSize(mhTableSize)) {
        problems.add(new Problem(at + "/mhTableSize", "mhTableSize must be a prime number, got " + mhTableSize
            + "; the kernel's sizes are 251, 509, 1021, 2039, 4093, 8191, 16381, 32749, 65521 and 131071"));
      }
      if (knownScheduler && !Schedulers.usesMhTableSize(scheduler)) {
        problems.add(new Problem(at + "/mhTableSize",
            "mhTableSize applies to the mh and chb schedulers only, not to " + scheduler));
      }
    }
    Integer balanceFactor = VirtualService.DEFAULT_HASH_BALANCE_FACTOR;
    Object hb = json.getValue("hashBalanceFactor");
    if (hb != null) {
      balanceFactor = integer(hb, at + "/hashBalanceFactor", "hashBalanceFactor (percent of the average load)",
          SchedulerConfig.MIN_BALANCE_FACTOR, SchedulerConfig.MAX_BALANCE_FACTOR,
          VirtualService.DEFAULT_HASH_BALANCE_FACTOR, problems);
      if (knownScheduler && !Schedulers.usesBalanceFactor(scheduler)) {
        problems.add(new Problem(at + "/hashBalanceFactor",
            "hashBalanceFactor applies to the chb scheduler only, not to " + scheduler));
      }
    }

    Persistence persistence = null;
    Object pers = json.getValue("persistence");
    if (pers instanceof JsonObject po) {
      checkFields(po, at + "/persistence", Set.of("timeout", "netmask", "expireQuiescent"), Set.of(), problems);
      Integer timeout = integer(po.getValue("timeout"), at + "/persistence/timeout", "persistence timeout",
          1, Integer.MAX_VALUE, Persistence.DEFAULT_TIMEOUT, problems);
      String mask = netmask(po.getValue("netmask"), at + "/persistence/netmask",
          endpoint == null || !endpoint.isIpv6(), problems);
      Object eq = po.getValue("expireQuiescent");
      if (eq != null && !(eq instanceof Boolean)) {
        problems.add(new Problem(at + "/persistence/expireQuiescent", "expireQuiescent must be true or false"));
      }
      if (timeout != null && mask != null) {
        persistence = new Persistence(timeout, mask, Boolean.TRUE.equals(eq));
      }
    } else if (pers != null) {
      problems.add(new Problem(at + "/persistence", "persistence must be null or an object with timeout and netmask"));
    }

    boolean ops = false;
    Object o = json.getValue("ops");
    if (o instanceof Boolean b) {
      ops = b;
      if (ops && protocol != Protocol.UDP) {
        problems.add(new Problem(at + "/ops", "one-packet scheduling (-o) applies to UDP services only"));
      }
    } else if (o != null) {
      problems.add(new Problem(at + "/ops", "ops must be true or false"));
    }

    Integer slowStart = integer(json.getValue("slowStart"), at + "/slowStart", "slowStart (seconds)", 0, 86_400, 0,
        problems);

    List<RealServer> servers = new ArrayList<>();
    Object rs = json.getValue("servers");
    if (allowServers && rs instanceof JsonArray array) {
      Set<Endpoint> seen = new HashSet<>();
      for (int i = 0; i < array.size(); i++) {
        String sat = at + "/servers/" + i;
        RealServer server = parseServer(array.getValue(i), sat, endpoint == null ? 0 : endpoint.port(), problems);
        if (server != null) {
          if (!seen.add(server.endpoint())) {
            problems.add(new Problem(sat + "/address", "duplicate real server " + server.endpoint()));
          }
          servers.add(server);
        }
      }
    } else if (allowServers && rs != null) {
      problems.add(new Problem(at + "/servers", "servers must be a list"));
    }
    ServiceHealth health = HealthJson.parseService(json, at, endpoint, problems);
    if (problems.size() > before) {
      return null;
    }
    return new VirtualService(new ServiceKey(protocol, endpoint), scheduler, flags, persistence, ops, slowStart, servers,
        0, mhTableSize, balanceFactor, health);
  }

  /**
   * Parses a real server.
   *
   * @param defaultPort the service's port, used when the address has none; 0 to require a port
   * @return the real server, or null when there were problems
   */
  public static RealServer parseServer(Object input, String at, int defaultPort, List<Problem> problems) {
    int before = problems.size();
    if (!(input instanceof JsonObject json)) {
      problems.add(new Problem(at, "a real server must be an object"));
      return null;
    }
    checkFields(json, at, SERVER_FIELDS, SERVER_READ_ONLY, problems);
    Endpoint endpoint = endpoint(json.getValue("address"), at + "/address", defaultPort, problems);
    ForwardingMethod forward = ForwardingMethod.MASQ;
    Object fw = json.getValue("forward");
    if (fw != null) {
      try {
        forward = ForwardingMethod.parse(fw instanceof String str ? str : String.valueOf(fw));
        if (forward != ForwardingMethod.MASQ) {
          problems.add(new Problem(at + "/forward", "forwarding method " + forward.id() + " (" + forward.flag()
              + ") is not available yet: vsd forwards by masquerading (masq, -m)"));
        }
      } catch (IllegalArgumentException e) {
        problems.add(new Problem(at + "/forward", e.getMessage()));
      }
    }
    Integer weight = integer(json.getValue("weight"), at + "/weight", "weight", 0, RealServer.MAX_WEIGHT,
        RealServer.DEFAULT_WEIGHT, problems);
    Integer upper = integer(json.getValue("upper"), at + "/upper", "upper threshold", 0, Integer.MAX_VALUE, 0, problems);
    Integer lower = integer(json.getValue("lower"), at + "/lower", "lower threshold", 0, Integer.MAX_VALUE, 0, problems);
    if (upper != null && lower != null && upper > 0 && lower > upper) {
      problems.add(new Problem(at + "/lower", "lower threshold " + lower + " is above the upper threshold " + upper));
    }
    HealthCheck check = HealthJson.parseCheck(json.getValue(HealthJson.SERVER_KEY), at + "/" + HealthJson.SERVER_KEY,
        true, problems);
    if (problems.size() > before) {
      return null;
    }
    return new RealServer(endpoint, forward, weight, upper, lower, check);
  }

  public static JsonObject toJson(VirtualService s) {
    JsonArray servers = new JsonArray();
    s.servers().forEach(r -> servers.add(toJson(r)));
    JsonObject json = new JsonObject()
        .put("protocol", s.key().protocol().id())
        .put("address", s.key().endpoint().toString())
        .put("scheduler", s.scheduler())
        .put("flags", new JsonArray(new ArrayList<>(s.flags())));
    // Only for the schedulers that read them, so that every service's JSON parses back as it is.
    if (Schedulers.usesMhTableSize(s.scheduler())) {
      json.put("mhTableSize", s.mhTableSize());
    }
    if (Schedulers.usesBalanceFactor(s.scheduler())) {
      json.put("hashBalanceFactor", s.hashBalanceFactor());
    }
    json
        .put("persistence", s.persistence() == null ? null
            : new JsonObject().put("timeout", s.persistence().timeout()).put("netmask", s.persistence().netmask())
                .put("expireQuiescent", s.persistence().expireQuiescent()))
        .put("ops", s.ops())
        .put("slowStart", s.slowStart())
        .put("version", s.version())
        .put("servers", servers);
    HealthJson.putService(json, s.health());
    return json;
  }

  public static JsonObject toJson(RealServer r) {
    JsonObject json = new JsonObject()
        .put("address", r.endpoint().toString())
        .put("forward", r.forward().id())
        .put("weight", r.weight())
        .put("upper", r.upper())
        .put("lower", r.lower());
    HealthJson.putServer(json, r.check());
    return json;
  }

  /** Reads a service back from its own JSON (state file, config events): the version is kept. */
  public static VirtualService fromJson(JsonObject json) {
    List<Problem> problems = new ArrayList<>();
    VirtualService s = parseService(json, "", true, problems);
    if (s == null) {
      throw new TableException(TableException.Kind.VALIDATION, problems);
    }
    return s.withServers(s.servers(), json.getLong("version", 0L));
  }

  private static void checkFields(JsonObject json, String at, Set<String> fields, Set<String> readOnly,
                                  List<Problem> problems) {
    for (Map.Entry<String, Object> e : json) {
      if (!fields.contains(e.getKey()) && !readOnly.contains(e.getKey())) {
        problems.add(new Problem(at + "/" + e.getKey(), "unknown field \"" + e.getKey() + "\"; expected one of: "
            + String.join(", ", fields.stream().sorted().toList())));
      }
    }
  }

  private static Endpoint endpoint(Object value, String at, int defaultPort, List<Problem> problems) {
    if (value == null) {
      problems.add(new Problem(at, "address is missing"));
      return null;
    }
    if (!(value instanceof String text)) {
      problems.add(new Problem(at, "address must be a string such as \"10.0.0.1:80\" or \"[2001:db8::1]:80\""));
      return null;
    }
    try {
      return Endpoint.parse(text, defaultPort);
    } catch (IllegalArgumentException e) {
      problems.add(new Problem(at, e.getMessage()));
      return null;
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

  private static String netmask(Object value, String at, boolean ipv4, List<Problem> problems) {
    if (value == null) {
      return ipv4 ? Persistence.HOST_MASK_V4 : Persistence.HOST_MASK_V6;
    }
    String text = String.valueOf(value).trim();
    if (ipv4) {
      if (text.matches("\\d{1,3}(\\.\\d{1,3}){3}")) {
        long bits = 0;
        boolean ok = true;
        for (String octet : text.split("\\.")) {
          int v = Integer.parseInt(octet);
          ok &= v <= 255;
          bits = (bits << 8) | (v & 0xff);
        }
        long inverted = ~bits & 0xffffffffL;
        // A netmask is a run of ones then zeros: its complement plus one is a power of two.
        if (ok && bits != 0 && ((inverted + 1) & inverted) == 0) {
          return text;
        }
      }
      problems.add(new Problem(at, "netmask must be a dotted IPv4 mask such as 255.255.255.0, got " + describe(value)));
      return null;
    }
    String prefix = text.startsWith("/") ? text.substring(1) : text;
    if (prefix.matches("\\d{1,3}") && Integer.parseInt(prefix) >= 1 && Integer.parseInt(prefix) <= 128) {
      return String.valueOf(Integer.parseInt(prefix));
    }
    problems.add(new Problem(at, "netmask of an IPv6 service must be a prefix length 1..128, got " + describe(value)));
    return null;
  }

  static String describe(Object value) {
    return value instanceof String s ? "\"" + s + "\"" : String.valueOf(value);
  }
}
