package io.vsd.director.keepalived;

import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import io.vsd.director.keepalived.KeepalivedParser.Node;
import io.vsd.services.model.Endpoint;
import io.vsd.services.model.HealthJson;
import io.vsd.services.model.Problem;
import io.vsd.services.model.ServiceJson;
import io.vsd.services.scheduler.Schedulers;
import java.math.BigDecimal;
import java.net.UnknownHostException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.regex.Pattern;

/**
 * Turns keepalived.conf's LVS section into vsd's services (docs/keepalived.md has the keyword table). Every
 * keyword is either carried over or noted with its file, line and the reason; nothing is dropped unsaid.
 * Defaults are keepalived's, written out where vsd's differ, so the converted services behave as before.
 */
final class KeepalivedConverter {
  /** A keyword not carried over. */
  record Note(int seq, String where, String keyword, String why) {
    @Override
    public String toString() {
      return where + ": " + keyword + ": " + why;
    }
  }

  /** A converted virtual service, with the keepalived line it came from (written as a YAML comment). */
  record Service(String origin, JsonObject json) {}

  record Result(List<Service> services, boolean execChecks, List<Note> notes) {}

  // keepalived's checker defaults (keepalived.conf(5), "Virtual server(s)").
  static final Duration DEFAULT_DELAY_LOOP = Duration.ofSeconds(60);
  static final Duration DEFAULT_CONNECT_TIMEOUT = Duration.ofSeconds(5);
  static final int DEFAULT_PERSISTENCE_TIMEOUT = 360;
  /** The most addresses one virtual_server_group range may expand to. */
  static final int MAX_GROUP_ADDRESSES = 256;

  private static final Set<String> VRRP_BLOCKS = Set.of("vrrp_instance", "vrrp_sync_group", "vrrp_script",
      "vrrp_track_process", "track_file", "track_process", "vrrp_track_file");
  private static final Set<String> ADDRESS_BLOCKS = Set.of("static_ipaddress", "static_routes", "static_rules",
      "virtual_ipaddress", "virtual_routes", "virtual_rules");
  private static final Set<String> UNSUPPORTED_CHECKERS = Set.of("SMTP_CHECK", "BFD_CHECK", "PING_CHECK",
      "FILE_CHECK");
  private static final Set<String> CHECKERS = Set.of("TCP_CHECK", "HTTP_GET", "SSL_GET", "MISC_CHECK", "DNS_CHECK",
      "UDP_CHECK");
  private static final Pattern TIMER = Pattern.compile("\\d+(\\.\\d+)?");
  private static final Pattern INTEGER = Pattern.compile("\\d+");
  private static final Pattern STATUS = Pattern.compile("[1-5]\\d\\d(-[1-5]\\d\\d)?");

  private final List<Note> notes = new ArrayList<>();
  private final List<Service> services = new ArrayList<>();
  private final Map<String, String> firstService = new HashMap<>();
  private boolean execChecks;

  Result convert(List<Node> top, List<KeepalivedParser.Skipped> skipped) {
    for (KeepalivedParser.Skipped s : skipped) {
      note(s.include(), s.why());
    }
    Map<String, Node> groups = new LinkedHashMap<>();
    for (Node n : top) {
      if (n.keyword().equals("virtual_server_group") && n.block() != null && n.arg(0) != null) {
        groups.putIfAbsent(n.arg(0), n);
      }
    }
    Set<String> usedGroups = new HashSet<>();
    for (Node n : top) {
      String k = n.keyword();
      if (k.equals("virtual_server")) {
        virtualServer(n, groups, usedGroups);
      } else if (k.equals("virtual_server_group")) {
        continue; // expanded where a virtual_server uses it; an unused one is noted below
      } else if (k.startsWith("$") || k.startsWith("@") || k.startsWith("~")) {
        note(n, "parameter definitions, conditional lines and ~SEQ/~LST blocks are not expanded; write the"
            + " configuration out first (keepalived -t -d dumps it)");
      } else if (k.equals("global_defs")) {
        noteBlock(n, "keepalived's global settings (notification e-mail, router id, scripts ...) have no vsd"
            + " equivalent; the director's own settings go in the config's director: section");
      } else if (VRRP_BLOCKS.contains(k)) {
        noteBlock(n, "vsd has no VRRP: several directors share one table as a cluster instead (docs/cluster.md)");
      } else if (ADDRESS_BLOCKS.contains(k)) {
        noteBlock(n, "vsd configures no addresses or routes: the virtual addresses must already be on the host");
      } else if (k.equals("SSL")) {
        noteBlock(n, "SSL_GET's shared SSL context (ca, certificate, key) is not carried over; an https check"
            + " takes its own ca file (docs/health.md)");
      } else {
        noteBlock(n, "not a virtual server setting; vsd has no equivalent");
      }
    }
    for (Map.Entry<String, Node> g : groups.entrySet()) {
      if (!usedGroups.contains(g.getKey())) {
        noteBlock(g.getValue(), "no virtual_server uses group " + g.getKey() + ", so it defines no service");
      }
    }
    // In the order the file reads, includes in place, whatever order they were found in.
    List<Note> ordered = new ArrayList<>(notes);
    ordered.sort(java.util.Comparator.comparingInt(Note::seq));
    return new Result(services, execChecks, ordered);
  }

  // ---- virtual servers ----

  private void virtualServer(Node vs, Map<String, Node> groups, Set<String> usedGroups) {
    if (vs.block() == null) {
      note(vs, "a virtual_server needs a { } block");
      return;
    }
    String first = vs.arg(0);
    if (first == null) {
      note(vs, "a virtual_server needs an address and port, fwmark N or group NAME");
      return;
    }
    if (first.equals("fwmark")) {
      noteBlock(vs, "vsd has no firewall-mark services (ipvsadm -f); this virtual server and its real servers are"
          + " not converted");
      return;
    }
    if (first.equals("group")) {
      String name = vs.arg(1);
      Node group = name == null ? null : groups.get(name);
      if (group == null) {
        noteBlock(vs, "no virtual_server_group named " + name + "; this virtual server is not converted");
        return;
      }
      usedGroups.add(name);
      List<Endpoint> vips = groupAddresses(group);
      for (int i = 0; i < vips.size(); i++) {
        // The block's own notes are the same for every address: say them once.
        service(vs, vips.get(i), "virtual_server group " + name + " (" + group.where() + ")", i > 0);
      }
      return;
    }
    if (vs.args().size() < 2) {
      noteBlock(vs, "a virtual service without a port (all ports, persistent) has no vsd equivalent; not converted");
      return;
    }
    Endpoint vip = endpoint(vs, first, vs.arg(1));
    if (vip != null) {
      if (vs.args().size() > 2) {
        note(vs, "extra words after the port are ignored: " + String.join(" ", vs.args().subList(2, vs.args().size())));
      }
      service(vs, vip, "virtual_server " + first + " " + vs.arg(1), false);
    }
  }

  /** Every address of a group that vsd can serve; ranges and CIDR blocks are expanded, fwmarks noted. */
  private List<Endpoint> groupAddresses(Node group) {
    List<Endpoint> out = new ArrayList<>();
    for (Node entry : group.block()) {
      String addr = entry.keyword();
      if (addr.equals("fwmark")) {
        note(entry, "vsd has no firewall-mark services; this member of group " + group.arg(0) + " is not converted");
        continue;
      }
      String port = entry.arg(0);
      if (port == null) {
        note(entry, "a group member without a port (all ports) has no vsd equivalent; not converted");
        continue;
      }
      List<String> ips = expandRange(entry, addr);
      for (String ip : ips) {
        Endpoint e = endpoint(entry, ip, port);
        if (e != null) {
          out.add(e);
        }
      }
    }
    return out;
  }

  /** 10.0.0.1-10, 10.0.0.250-10.0.1.5 and 10.0.0.8/29 as keepalived reads them; IPv4 only. */
  private List<String> expandRange(Node entry, String text) {
    int dash = text.indexOf('-');
    int slash = text.indexOf('/');
    if (dash < 0 && slash < 0) {
      return List.of(text);
    }
    try {
      long from;
      long to;
      if (slash >= 0) {
        long base = ipv4(text.substring(0, slash));
        int bits = Integer.parseInt(text.substring(slash + 1));
        if (bits < 0 || bits > 32) {
          throw new IllegalArgumentException("bad prefix length");
        }
        long size = 1L << (32 - bits);
        from = base & ~(size - 1) & 0xffffffffL;
        to = from + size - 1;
      } else {
        String a = text.substring(0, dash);
        String b = text.substring(dash + 1);
        from = ipv4(a);
        to = b.contains(".") ? ipv4(b) : (from & 0xffffff00L) | Integer.parseInt(b);
      }
      if (to < from || to - from + 1 > MAX_GROUP_ADDRESSES) {
        note(entry, "range " + text + " is empty or holds more than " + MAX_GROUP_ADDRESSES
            + " addresses; not converted");
        return List.of();
      }
      List<String> ips = new ArrayList<>();
      for (long ip = from; ip <= to; ip++) {
        ips.add(((ip >> 24) & 255) + "." + ((ip >> 16) & 255) + "." + ((ip >> 8) & 255) + "." + (ip & 255));
      }
      return ips;
    } catch (IllegalArgumentException e) {
      note(entry, "cannot expand the address range " + text + " (IPv4 ranges only); not converted");
      return List.of();
    }
  }

  private static long ipv4(String dotted) {
    String[] parts = dotted.split("\\.");
    if (parts.length != 4) {
      throw new IllegalArgumentException("not IPv4");
    }
    long v = 0;
    for (String p : parts) {
      int o = Integer.parseInt(p);
      if (o < 0 || o > 255) {
        throw new IllegalArgumentException("not IPv4");
      }
      v = (v << 8) | o;
    }
    return v;
  }

  /** Checker settings a virtual server passes to its real servers, and a real server to its checkers. */
  private record Defaults(Duration delayLoop, Duration connectTimeout, Integer retry, Duration delayBeforeRetry,
                          Boolean alpha, String virtualhost) {
    Defaults with(Node n, KeepalivedConverter c) {
      return switch (n.keyword()) {
        case "delay_loop" -> {
          Duration d = c.timer(n);
          yield d == null ? this : new Defaults(d, connectTimeout, retry, delayBeforeRetry, alpha, virtualhost);
        }
        case "connect_timeout" -> {
          Duration d = c.timer(n);
          yield d == null ? this : new Defaults(delayLoop, d, retry, delayBeforeRetry, alpha, virtualhost);
        }
        case "retry", "nb_get_retry" -> {
          Integer r = c.integer(n, 0, 999);
          yield r == null ? this : new Defaults(delayLoop, connectTimeout, r, delayBeforeRetry, alpha, virtualhost);
        }
        case "delay_before_retry" -> {
          Duration d = c.timer(n);
          yield d == null ? this : new Defaults(delayLoop, connectTimeout, retry, d, alpha, virtualhost);
        }
        case "alpha" -> {
          Boolean b = c.bool(n);
          yield b == null ? this : new Defaults(delayLoop, connectTimeout, retry, delayBeforeRetry, b, virtualhost);
        }
        case "virtualhost" -> {
          String h = c.oneWord(n);
          yield h == null ? this : new Defaults(delayLoop, connectTimeout, retry, delayBeforeRetry, alpha, h);
        }
        default -> throw new IllegalArgumentException(n.keyword());
      };
    }

    static boolean isDefault(String keyword) {
      return switch (keyword) {
        case "delay_loop", "connect_timeout", "retry", "nb_get_retry", "delay_before_retry", "alpha", "virtualhost" ->
            true;
        default -> false;
      };
    }
  }

  /**
   * Converts one virtual_server block for one address. {@code quiet}: the block's notes were already given
   * (another address of the same group).
   */
  private void service(Node vs, Endpoint vip, String origin, boolean quiet) {
    int notesBefore = notes.size();
    JsonObject json = new JsonObject();
    String protocol = "tcp";
    String scheduler = null;
    List<Node> flagNodes = new ArrayList<>();
    Node opsNode = null;
    Integer persistence = null;
    Node granularity = null;
    Integer quorum = null;
    Integer hysteresis = null;
    String sorry = null;
    boolean inhibit = false;
    String unservedProtocol = null;
    Defaults defaults = new Defaults(null, null, null, null, null, null);
    List<Node> realServers = new ArrayList<>();
    for (Node n : vs.block()) {
      String k = n.keyword();
      switch (k) {
        case "real_server" -> realServers.add(n);
        case "lb_algo", "lvs_sched" -> {
          String s = oneWord(n);
          if (s != null && Schedulers.isKnown(s)) {
            scheduler = s;
          } else if (s != null) {
            note(n, "unknown scheduler " + s + " (vsd knows " + String.join(", ", Schedulers.names())
                + "); the service keeps vsd's default, wlc");
          }
        }
        case "lb_kind", "lvs_method" -> forwarding(n, "the real servers are converted with masq");
        case "flag-1", "flag-2", "flag-3", "sh-port", "sh-fallback", "mh-port", "mh-fallback" -> flagNodes.add(n);
        case "ops" -> opsNode = n;
        case "persistence_timeout" -> {
          persistence = n.args().isEmpty() ? Integer.valueOf(DEFAULT_PERSISTENCE_TIMEOUT) : integer(n, 0, Integer.MAX_VALUE);
        }
        case "persistence_granularity" -> granularity = n;
        case "protocol" -> {
          String p = oneWord(n);
          if (p != null && (p.equalsIgnoreCase("TCP") || p.equalsIgnoreCase("UDP"))) {
            protocol = p.toLowerCase(Locale.ROOT);
          } else if (p != null) {
            unservedProtocol = p;
          }
        }
        case "quorum" -> quorum = integer(n, 0, Integer.MAX_VALUE);
        case "hysteresis" -> hysteresis = integer(n, 0, Integer.MAX_VALUE);
        case "sorry_server" -> {
          if (n.args().isEmpty() || n.args().size() > 2) {
            note(n, "sorry_server takes an address and a port");
          } else {
            Endpoint e = endpoint(n, n.arg(0), n.arg(1) == null ? String.valueOf(vip.port()) : n.arg(1));
            sorry = e == null ? null : e.toString();
          }
        }
        case "sorry_server_inhibit" -> note(n, "vsd never inhibits the sorry server: it takes no new connection"
            + " while any real server is available, and its open connections continue (docs/health.md)");
        case "sorry_server_lvs_method" -> forwarding(n, "the sorry server is reached by masquerading");
        case "inhibit_on_failure" -> {
          Boolean b = n.args().isEmpty() ? Boolean.TRUE : bool(n);
          inhibit = b != null ? b : inhibit;
        }
        case "warmup" -> note(n, "vsd spreads each check's first run by a random part of its interval by itself;"
            + " the maximum delay cannot be set");
        case "quorum_up", "quorum_down" -> note(n, "vsd runs no notification scripts: subscribe to vsd.health"
            + " (a service event on every quorum change, docs/event-bus.md)");
        case "omega" -> note(n, "vsd runs no notification scripts at shutdown");
        case "ha_suspend" -> note(n, "vsd checks its real servers whether or not the virtual address is on this host");
        case "smtp_alert" -> note(n, "vsd sends no e-mail: subscribe to vsd.health instead");
        case "snmp_name" -> note(n, "vsd has no SNMP agent; its metrics are at /metrics (docs/monitoring.md)");
        case "persistence_engine" -> note(n, "vsd has no persistence engines (such as sip); persistence is by client"
            + " address only");
        case "ip_family" -> note(n, "only matters for fwmark services, which vsd does not have");
        case "nat_mask" -> note(n, "obsolete, and ignored by keepalived too");
        default -> {
          if (Defaults.isDefault(k)) {
            defaults = defaults.with(n, this);
          } else if (CHECKERS.contains(k) || UNSUPPORTED_CHECKERS.contains(k)) {
            noteBlock(n, "a checker belongs inside a real_server block; not converted");
          } else {
            noteBlock(n, "unknown virtual_server keyword; not converted");
          }
        }
      }
    }
    if (unservedProtocol != null) {
      if (!quiet) {
        noteBlock(vs, "protocol " + unservedProtocol + " is not served by vsd (TCP and UDP only); this virtual server"
            + " is not converted");
      }
      return;
    }
    json.put("protocol", protocol);
    json.put("address", vip.toString());
    if (scheduler != null) {
      json.put("scheduler", scheduler);
    }
    JsonArray flags = flags(flagNodes, scheduler == null ? "wlc" : scheduler);
    if (!flags.isEmpty()) {
      json.put("flags", flags);
    }
    if (opsNode != null) {
      if (protocol.equals("udp")) {
        json.put("ops", true);
      } else {
        note(opsNode, "one-packet scheduling applies to UDP services only");
      }
    }
    if (persistence != null && persistence > 0) {
      JsonObject p = new JsonObject().put("timeout", persistence);
      if (granularity != null) {
        String mask = oneWord(granularity);
        if (mask != null) {
          p.put("netmask", mask);
        }
      }
      json.put("persistence", p);
    } else if (granularity != null) {
      note(granularity, "has no effect without persistence_timeout (as in keepalived)");
    }
    if (sorry != null) {
      json.put("sorry", sorry);
    }
    if (quorum != null || hysteresis != null) {
      // keepalived's quorum defaults to 1; with a sorry server, vsd's "no real server available" is the same.
      json.put("quorum", new JsonObject().put("weight", quorum == null ? 1 : quorum)
          .put("hysteresis", hysteresis == null ? 0 : hysteresis));
    }
    JsonArray servers = new JsonArray();
    List<RealServerResult> results = new ArrayList<>();
    Set<String> seen = new HashSet<>();
    for (Node rs : realServers) {
      RealServerResult r = realServer(rs, vip, defaults, inhibit);
      if (r == null) {
        continue;
      }
      String address = r.json.getString("address");
      if (!seen.add(address)) {
        noteBlock(rs, "real server " + address + " is listed twice in this virtual server; the second is not"
            + " converted");
      } else if (validServer(rs, r.json, vip)) {
        servers.add(r.json);
        results.add(r);
      }
    }
    // vsd says onFailure once per service: when the real servers disagree, inhibit (the gentler) wins, and each
    // server that wanted otherwise is named.
    boolean anyInhibit = results.isEmpty() ? inhibit : results.stream().anyMatch(RealServerResult::inhibit);
    for (RealServerResult r : results) {
      if (r.inhibit != anyInhibit) {
        Node at = r.inhibitNode != null ? r.inhibitNode : r.node;
        notes.add(new Note(at.seq(), at.where(), at == r.node ? "inhibit_on_failure" : at.keyword(), "vsd sets onFailure per"
            + " virtual service, and this one's real servers disagree; real server " + r.json.getString("address")
            + " is inhibited on failure like the others"));
      }
    }
    if (anyInhibit) {
      json.put("onFailure", "inhibit");
    }
    hoistCheck(servers, json);
    json.put("servers", servers);
    if (quiet) {
      notes.subList(notesBefore, notes.size()).clear();
    }
    List<Problem> problems = new ArrayList<>();
    ServiceJson.parseService(json, "", true, problems);
    if (granularity != null && problems.stream().anyMatch(p -> p.pointer().equals("/persistence/netmask"))) {
      // A mask vsd cannot take costs the granularity, not the whole service.
      Node mask = granularity;
      problems.stream().filter(p -> p.pointer().equals("/persistence/netmask") && !quiet)
          .forEach(p -> note(mask, p.detail() + "; left out (clients are sticky per address)"));
      json.getJsonObject("persistence").remove("netmask");
      problems.clear();
      ServiceJson.parseService(json, "", true, problems);
    }
    if (!problems.isEmpty()) {
      if (!quiet) {
        for (Problem p : problems) {
          note(vs, p.detail() + "; this virtual server is not converted");
        }
      }
      return;
    }
    String key = protocol + "/" + vip;
    String before = firstService.putIfAbsent(key, vs.where());
    if (before != null) {
      noteBlock(vs, "virtual service " + key + " is already defined at " + before + "; this one is not converted");
      return;
    }
    services.add(new Service(vs.where() + " " + origin, json));
  }

  private boolean validServer(Node rs, JsonObject server, Endpoint vip) {
    List<Problem> problems = new ArrayList<>();
    ServiceJson.parseServer(server, "", vip.port(), problems);
    for (Problem p : problems) {
      noteBlock(rs, p.detail() + "; this real server is not converted");
    }
    return problems.isEmpty();
  }

  /** When every real server has the same check, the service says it once. */
  private static void hoistCheck(JsonArray servers, JsonObject service) {
    if (servers.isEmpty()) {
      return;
    }
    Object first = servers.getJsonObject(0).getValue("check");
    if (first == null) {
      return;
    }
    for (int i = 1; i < servers.size(); i++) {
      if (!first.equals(servers.getJsonObject(i).getValue("check"))) {
        return;
      }
    }
    service.put("check", first);
    for (int i = 0; i < servers.size(); i++) {
      servers.getJsonObject(i).remove("check");
    }
  }

  private JsonArray flags(List<Node> nodes, String scheduler) {
    JsonArray out = new JsonArray();
    for (Node n : nodes) {
      String flag = switch (n.keyword()) {
        // ipvsadm's flag-1 and flag-2 are the hashing schedulers' fallback and port flags.
        case "flag-1" -> scheduler.equals("sh") ? "sh-fallback" : scheduler.equals("mh") ? "mh-fallback" : null;
        case "flag-2" -> scheduler.equals("sh") ? "sh-port" : scheduler.equals("mh") ? "mh-port" : null;
        case "flag-3" -> null;
        default -> n.keyword();
      };
      if (flag == null || !Schedulers.flags(scheduler).contains(flag)) {
        note(n, "scheduler " + scheduler + " takes no such flag"
            + (Schedulers.flags(scheduler).isEmpty() ? "" : " (it takes " + String.join(", ",
                Schedulers.flags(scheduler).stream().sorted().toList()) + ")"));
      } else if (!out.contains(flag)) {
        out.add(flag);
      }
    }
    return out;
  }

  private void forwarding(Node n, String consequence) {
    String m = n.arg(0);
    if (m == null) {
      note(n, "needs NAT, DR or TUN");
    } else if (!m.equalsIgnoreCase("NAT")) {
      note(n, "vsd forwards by masquerading only (it is a user-space proxy): " + m + " is not available; "
          + consequence);
    }
  }

  // ---- real servers ----

  private record RealServerResult(Node node, JsonObject json, boolean inhibit, Node inhibitNode) {}

  private RealServerResult realServer(Node rs, Endpoint vip, Defaults vsDefaults, boolean vsInhibit) {
    if (rs.block() == null) {
      note(rs, "a real_server needs a { } block");
      return null;
    }
    if (rs.arg(0) == null) {
      noteBlock(rs, "a real_server needs an address; not converted");
      return null;
    }
    Endpoint address = endpoint(rs, rs.arg(0), rs.arg(1) == null ? String.valueOf(vip.port()) : rs.arg(1));
    if (address == null) {
      return null;
    }
    JsonObject json = new JsonObject().put("address", address.toString());
    Defaults defaults = vsDefaults;
    boolean inhibit = vsInhibit;
    Node inhibitNode = null;
    List<Node> checkers = new ArrayList<>();
    for (Node n : rs.block()) {
      String k = n.keyword();
      switch (k) {
        case "weight" -> {
          Integer w = integer(n, 0, 65535);
          if (w != null) {
            json.put("weight", w);
          }
        }
        case "uthreshold" -> {
          Integer u = integer(n, 0, Integer.MAX_VALUE);
          if (u != null) {
            json.put("upper", u);
          }
        }
        case "lthreshold" -> {
          Integer l = integer(n, 0, Integer.MAX_VALUE);
          if (l != null) {
            json.put("lower", l);
          }
        }
        case "lb_kind", "lvs_method" -> forwarding(n, "this real server is converted with masq");
        case "inhibit_on_failure" -> {
          Boolean b = n.args().isEmpty() ? Boolean.TRUE : bool(n);
          if (b != null) {
            inhibit = b;
            inhibitNode = n;
          }
        }
        case "notify_up", "notify_down" -> note(n, "vsd runs no notification scripts: subscribe to vsd.health"
            + " (an event on every real server transition, docs/event-bus.md)");
        case "smtp_alert" -> note(n, "vsd sends no e-mail: subscribe to vsd.health instead");
        case "snmp_name" -> note(n, "vsd has no SNMP agent; its metrics are at /metrics (docs/monitoring.md)");
        case "warmup" -> note(n, "vsd spreads each check's first run by a random part of its interval by itself;"
            + " the maximum delay cannot be set");
        default -> {
          if (Defaults.isDefault(k)) {
            defaults = defaults.with(n, this);
          } else if (CHECKERS.contains(k)) {
            checkers.add(n);
          } else if (UNSUPPORTED_CHECKERS.contains(k)) {
            noteBlock(n, "vsd has no " + k + " checker (docs/health.md lists its checks); not converted");
          } else {
            noteBlock(n, "unknown real_server keyword; not converted");
          }
        }
      }
    }
    for (int i = 0; i < checkers.size(); i++) {
      Node c = checkers.get(i);
      if (i == 0) {
        JsonObject check = checker(c, address, defaults);
        if (check != null) {
          json.put("check", check);
        }
      } else {
        noteBlock(c, "vsd checks a real server with one check; only the first, " + checkers.get(0).keyword() + " at "
            + checkers.get(0).where() + ", is carried over");
      }
    }
    return new RealServerResult(rs, json, inhibit, inhibitNode);
  }

  // ---- checkers ----

  /** One checker as a vsd check, with keepalived's timing made explicit; null when it cannot be converted. */
  private JsonObject checker(Node c, Endpoint server, Defaults inherited) {
    String kind = c.keyword();
    Defaults d = inherited;
    JsonObject check = new JsonObject().put("type", switch (kind) {
      case "TCP_CHECK" -> "tcp";
      case "HTTP_GET" -> "http";
      case "SSL_GET" -> "https";
      case "MISC_CHECK" -> "exec";
      case "UDP_CHECK" -> "udp";
      default -> "dns";
    });
    List<Node> urls = new ArrayList<>();
    Duration miscTimeout = null;
    String sni = null;
    boolean enableSni = false;
    Node payload = null;
    Node requireReply = null;
    for (Node n : c.block() == null ? List.<Node>of() : c.block()) {
      String k = n.keyword();
      boolean connectOption = !kind.equals("MISC_CHECK");
      switch (k) {
        case "connect_port" -> {
          if (!connectOption) {
            note(n, "MISC_CHECK takes no connection options");
          } else {
            Integer p = integer(n, 1, 65535);
            if (p != null && p != server.port()) {
              check.put("port", p);
            }
          }
        }
        case "connect_ip" -> {
          Endpoint e = n.arg(0) == null ? null : endpoint(n, n.arg(0), "1");
          if (e != null && !e.address().equals(server.address())) {
            note(n, "vsd checks the real server's own address (only its port can differ); " + n.arg(0)
                + " is not checked, " + server.address().getHostAddress() + " is");
          }
        }
        case "bindto", "bind_port", "bind_if" -> note(n, "vsd's checks connect from the address and port the"
            + " system picks");
        case "fwmark" -> note(n, "vsd's checks do not mark their packets");
        case "log_all_failures" -> note(n, "vsd publishes every transition on vsd.health; each check's last result"
            + " is in the admin API");
        case "warmup" -> note(n, "vsd spreads each check's first run by a random part of its interval by itself;"
            + " the maximum delay cannot be set");
        case "url" -> urls.add(n);
        case "http_protocol" -> {
          String v = oneWord(n);
          if (v != null && !v.equalsIgnoreCase("1.0C")) {
            note(n, "vsd's http checks send HTTP/1.0 with Connection: close (keepalived's 1.0C), not " + v);
          }
        }
        case "fast_recovery" -> note(n, "vsd's http check has one URL, so there is nothing to recover fast from;"
            + " a real server comes up after one success (rise: 1)");
        case "enable_sni" -> enableSni = true;
        case "sni_name" -> sni = oneWord(n);
        case "tls_compliant" -> note(n, "vsd closes TLS as the JDK does (it sends close_notify); nothing to set");
        case "payload" -> payload = n;
        case "require_reply" -> requireReply = n;
        case "min_reply_length", "max_reply_length" -> note(n, "vsd's udp check does not bound the reply's length");
        case "misc_path" -> {
          if (n.args().isEmpty()) {
            note(n, "needs a command");
          } else {
            check.put("command", commandWords(String.join(" ", n.args())));
          }
        }
        case "misc_timeout" -> miscTimeout = timer(n);
        case "misc_dynamic" -> check.put("dynamicWeight", true);
        case "user" -> note(n, "vsd runs exec checks as the director's own user");
        case "type" -> {
          String t = oneWord(n);
          if (t != null && HealthJson.QTYPES.containsKey(t.toUpperCase(Locale.ROOT))) {
            check.put("qtype", t.toUpperCase(Locale.ROOT));
          } else if (t != null) {
            note(n, "unknown DNS query type " + t + "; the check queries keepalived's default, SOA");
          }
        }
        case "name" -> {
          String q = oneWord(n);
          if (q != null) {
            check.put("query", q);
          }
        }
        default -> {
          if (Defaults.isDefault(k) && !k.equals("virtualhost")) {
            d = d.with(n, this);
          } else if (k.equals("virtualhost") && (kind.equals("HTTP_GET") || kind.equals("SSL_GET"))) {
            d = d.with(n, this);
          } else {
            noteBlock(n, "unknown " + kind + " keyword; not converted");
          }
        }
      }
    }
    Duration interval = d.delayLoop() != null ? d.delayLoop() : DEFAULT_DELAY_LOOP;
    int retry;
    Duration beforeRetry;
    switch (kind) {
      case "TCP_CHECK" -> {
        retry = 1;
        beforeRetry = Duration.ofSeconds(1);
      }
      case "HTTP_GET", "SSL_GET" -> {
        retry = 1;
        beforeRetry = Duration.ofSeconds(3);
        String host = d.virtualhost();
        if (!urls.isEmpty()) {
          host = url(urls.get(0), check, host);
          for (int i = 1; i < urls.size(); i++) {
            noteBlock(urls.get(i), "vsd's http check fetches one URL; only the first, at " + urls.get(0).where()
                + ", is checked");
          }
        }
        if (host != null) {
          check.put("host", host);
        }
        if (kind.equals("SSL_GET")) {
          // keepalived's SSL_GET does not verify the certificate unless given a CA; neither does this check.
          check.put("verify", false);
          // enable_sni needs nothing: vsd sends the Host's name as SNI whenever it is a name.
          if (sni != null) {
            check.put("sni", sni);
          }
        } else if (sni != null || enableSni) {
          note(c, "SNI applies to SSL_GET only");
        }
      }
      case "MISC_CHECK" -> {
        retry = 0;
        beforeRetry = Duration.ofSeconds(1);
        if (!check.containsKey("command")) {
          noteBlock(c, "a MISC_CHECK needs misc_path; no check is carried over for this real server");
          return null;
        }
      }
      case "UDP_CHECK" -> {
        retry = 1;
        beforeRetry = Duration.ofSeconds(1);
        // keepalived counts silence as success and sends random bytes without a payload; vsd's check needs a
        // payload and a reply. Only what means the same in both is carried over.
        String send = payload == null ? null : hexText(payload);
        if (send == null || requireReply == null) {
          noteBlock(c, (payload == null ? "without payload keepalived sends random bytes"
              : send == null ? "the payload is not printable text, which vsd's udp check sends"
              : "without require_reply keepalived takes silence as success")
              + "; vsd's udp check sends text and needs a reply, so no check is carried over for this real server");
          return null;
        }
        check.put("send", send);
        if (!requireReply.args().isEmpty()) {
          String prefix = hexText(requireReply);
          if (prefix == null) {
            noteBlock(c, "require_reply with wildcards or bytes that are not printable text has no vsd equivalent;"
                + " no check is carried over for this real server");
            return null;
          }
          check.put("prefix", prefix);
        }
      }
      case "DNS_CHECK" -> {
        retry = 3;
        beforeRetry = interval;
        if (!check.containsKey("qtype")) {
          check.put("qtype", "SOA"); // keepalived's default; vsd's is A
        }
        if (!check.containsKey("query") || check.getString("query").equals(".")) {
          noteBlock(c, "keepalived queries the root (.) when no name is given; vsd's dns check needs a domain name,"
              + " so no check is carried over for this real server");
          return null;
        }
      }
      default -> throw new IllegalStateException(kind);
    }
    if (d.retry() != null) {
      retry = d.retry();
    }
    if (d.delayBeforeRetry() != null) {
      beforeRetry = d.delayBeforeRetry();
    }
    check.put("interval", format(interval));
    if (kind.equals("MISC_CHECK")) {
      // keepalived gives a script until the next check, delay_loop, unless misc_timeout says otherwise.
      check.put("timeout", format(miscTimeout != null ? miscTimeout : interval));
    } else {
      check.put("timeout", format(d.connectTimeout() != null ? d.connectTimeout() : DEFAULT_CONNECT_TIMEOUT));
    }
    // keepalived: down after the first failure and `retry` more, `delay_before_retry` apart; up after one success.
    check.put("fastInterval", format(beforeRetry.compareTo(Duration.ofMillis(10)) < 0 ? Duration.ofMillis(10)
        : beforeRetry));
    check.put("rise", 1);
    check.put("fall", Math.min(retry + 1, 1000));
    if (Boolean.TRUE.equals(d.alpha())) {
      check.put("alpha", true);
    }
    List<Problem> problems = new ArrayList<>();
    HealthJson.parseCheck(check, "", false, problems);
    if (!problems.isEmpty()) {
      for (Problem p : problems) {
        noteBlock(c, p.detail() + "; no check is carried over for this real server");
      }
      return null;
    }
    execChecks |= kind.equals("MISC_CHECK");
    return check;
  }

  /** A url block: path, digest, status_code, virtualhost, regex. @return the Host to send */
  private String url(Node url, JsonObject check, String host) {
    for (Node n : url.block() == null ? List.<Node>of() : url.block()) {
      switch (n.keyword()) {
        case "path" -> {
          String p = oneWord(n);
          if (p != null) {
            check.put("path", p);
          }
        }
        case "digest" -> {
          String dg = oneWord(n);
          if (dg != null) {
            check.put("digest", dg.toLowerCase(Locale.ROOT));
          }
        }
        case "status_code" -> {
          JsonArray codes = new JsonArray();
          for (String s : n.args()) {
            if (STATUS.matcher(s).matches()) {
              codes.add(s.contains("-") ? s : Integer.valueOf(s));
            } else {
              note(n, "status code " + s + " is not a code (100-599) or a range of codes; left out");
            }
          }
          if (!codes.isEmpty()) {
            check.put("status", codes);
          }
        }
        case "virtualhost" -> host = oneWord(n);
        case "regex" -> {
          String r = oneWord(n);
          if (r != null) {
            // PCRE and Java's regular expressions agree on everything but the exotic.
            check.put("body", r);
          }
        }
        case "regex_no_match" -> note(n, "vsd's body match cannot be reversed; the regex must match, as without"
            + " regex_no_match");
        case "regex_options", "regex_stack", "regex_min_offset", "regex_max_offset" -> note(n,
            "vsd searches the whole body with Java's regular expressions; this option has no equivalent");
        case "tls_compliant" -> note(n, "vsd closes TLS as the JDK does (it sends close_notify); nothing to set");
        default -> noteBlock(n, "unknown url keyword; not converted");
      }
    }
    if (check.containsKey("body") && url.block().stream().anyMatch(n -> n.keyword().equals("regex_no_match"))) {
      // Reversed in keepalived: carrying it unreversed would fail every healthy server.
      check.remove("body");
    }
    return host;
  }

  /**
   * keepalived's HEX_STR as text: words of hex digits, read two at a time, a lone last digit as one byte
   * ("Ab12f 3" is AB 12 0F 03). Null when it is not hex, or not printable text.
   */
  private static String hexText(Node n) {
    StringBuilder text = new StringBuilder();
    for (String word : n.args()) {
      if (!word.matches("[0-9A-Fa-f]+")) {
        return null;
      }
      for (int i = 0; i < word.length(); i += 2) {
        int b = Integer.parseInt(word.substring(i, Math.min(i + 2, word.length())), 16);
        if ((b < 0x20 || b > 0x7e) && b != '\r' && b != '\n' && b != '\t') {
          return null;
        }
        text.append((char) b);
      }
    }
    return text.isEmpty() ? null : text.toString();
  }

  /** misc_path's words, split as keepalived splits them: at blanks, except inside single quotes. */
  static JsonArray commandWords(String text) {
    JsonArray words = new JsonArray();
    StringBuilder word = null;
    boolean quoted = false;
    for (int i = 0; i < text.length(); i++) {
      char c = text.charAt(i);
      if (c == '\'') {
        quoted = !quoted;
        word = word == null ? new StringBuilder() : word;
      } else if (!quoted && Character.isWhitespace(c)) {
        if (word != null) {
          words.add(word.toString());
          word = null;
        }
      } else {
        word = word == null ? new StringBuilder() : word;
        word.append(c);
      }
    }
    if (word != null) {
      words.add(word.toString());
    }
    return words;
  }

  // ---- values ----

  private Endpoint endpoint(Node n, String ip, String port) {
    if (!INTEGER.matcher(port).matches() || Integer.parseInt(port) < 1 || Integer.parseInt(port) > 65535) {
      noteBlock(n, "port " + port + " is not a port number (1..65535); not converted");
      return null;
    }
    try {
      if (!ip.matches("[0-9.]+|[0-9A-Fa-f:.]*:[0-9A-Fa-f:.]*")) {
        throw new UnknownHostException();
      }
      return Endpoint.parse((ip.contains(":") ? "[" + ip + "]" : ip) + ":" + port, 0);
    } catch (UnknownHostException | IllegalArgumentException e) {
      noteBlock(n, ip + " is not an IP address (vsd resolves no host names in its config); not converted");
      return null;
    }
  }

  private Duration timer(Node n) {
    String v = oneWord(n);
    if (v == null) {
      return null;
    }
    if (!TIMER.matcher(v).matches()) {
      note(n, "not a number of seconds: " + v + "; left out");
      return null;
    }
    BigDecimal ms = new BigDecimal(v).multiply(BigDecimal.valueOf(1000));
    if (ms.compareTo(BigDecimal.valueOf(Duration.ofHours(24).toMillis())) > 0 || ms.signum() == 0) {
      note(n, v + " s is outside vsd's range (1ms..24h); left out");
      return null;
    }
    return Duration.ofMillis(Math.max(1, ms.setScale(0, java.math.RoundingMode.HALF_UP).longValue()));
  }

  private Integer integer(Node n, int min, int max) {
    String v = oneWord(n);
    if (v == null) {
      return null;
    }
    if (INTEGER.matcher(v).matches() && v.length() < 10 && Integer.parseInt(v) >= min && Integer.parseInt(v) <= max) {
      return Integer.parseInt(v);
    }
    note(n, v + " is not an integer between " + min + " and " + max + "; left out");
    return null;
  }

  private Boolean bool(Node n) {
    String v = n.arg(0);
    if (v == null) {
      return Boolean.TRUE;
    }
    return switch (v.toLowerCase(Locale.ROOT)) {
      case "on", "true", "yes" -> Boolean.TRUE;
      case "off", "false", "no" -> Boolean.FALSE;
      default -> {
        note(n, v + " is not on|off|true|false|yes|no; left out");
        yield null;
      }
    };
  }

  private String oneWord(Node n) {
    if (n.args().size() != 1) {
      note(n, "takes one value, got " + n.args().size() + "; left out");
      return null;
    }
    return n.arg(0);
  }

  private static String format(Duration d) {
    return HealthJson.formatDuration(d);
  }

  private void note(Node n, String why) {
    notes.add(new Note(n.seq(), n.where(), n.keyword(), why));
  }

  /** A note for a block as a whole: one entry, with the lines it spans. */
  private void noteBlock(Node n, String why) {
    int last = n.endLine()[0];
    String span = n.block() == null ? "" : " (the whole block" + (last > n.line() ? ", to line " + last : "") + ")";
    notes.add(new Note(n.seq(), n.where(), n.keyword(), why + span));
  }
}
