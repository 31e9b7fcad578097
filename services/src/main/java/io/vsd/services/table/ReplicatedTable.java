package io.vsd.services.table;

import io.vertx.core.json.JsonObject;
import io.vsd.eventbus.ConfigChange;
import io.vsd.services.model.ServiceJson;
import io.vsd.services.model.ServiceKey;
import io.vsd.services.model.Timeouts;
import io.vsd.services.model.VirtualService;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Set;

/**
 * The service table as the cluster keeps it (docs/cluster.md): the table, plus what it takes to merge two
 * copies that went apart (a partition, a director restarted with an old state file) without bringing back what
 * was deleted.
 *
 * <ul>
 *   <li>{@code tombstones}: a deleted service's key and the table version that deleted it.</li>
 *   <li>{@code deletedUpTo}: a service that is absent here, and whose version is at most this, is deleted.
 *   {@code clear} sets it (no tombstone per service needed), and so does dropping the oldest tombstones when
 *   there are more than {@link #MAX_TOMBSTONES}.</li>
 * </ul>
 *
 * <p>{@link #merge} takes, for each key, the newer of the two copies by version: a tombstone beats a service of
 * the same version, and two different services of one version (edited apart on both sides of a partition)
 * are ordered by their JSON text, so that every director merges to the same table.
 *
 * @param table       the services, with the table version
 * @param deletedUpTo see above
 * @param tombstones  key to the version that deleted it, each above {@code deletedUpTo}
 * @param origin      the director that wrote this table
 * @param time        epoch milliseconds when it was written
 */
public record ReplicatedTable(ServiceTable table, long deletedUpTo, Map<ServiceKey, Long> tombstones, String origin,
                              long time) {

  /** Tombstones kept; older ones are folded into {@code deletedUpTo}. About 40 bytes each in the shared value. */
  public static final int MAX_TOMBSTONES = 1_000;

  public ReplicatedTable {
    Objects.requireNonNull(table, "table");
    tombstones = java.util.Collections.unmodifiableMap(new LinkedHashMap<>(tombstones));
  }

  /** A table with no history of deletions: what a standalone state file, or a config file, gives. */
  public static ReplicatedTable of(ServiceTable table, String origin) {
    return new ReplicatedTable(table, 0, Map.of(), origin, 0);
  }

  public long version() {
    return table.version();
  }

  /**
   * This table after a command turned {@link #table()} into {@code next}: tombstones for the services that are
   * gone, or for a clear, everything up to the new version.
   */
  public ReplicatedTable after(ServiceTable next, ConfigChange.Kind kind, String by, long at) {
    Map<ServiceKey, Long> dead = new LinkedHashMap<>(tombstones);
    long upTo = deletedUpTo;
    if (kind == ConfigChange.Kind.CLEARED) {
      upTo = next.version();
      dead.clear();
    } else {
      for (VirtualService s : table.services()) {
        if (!contains(next, s.key())) {
          dead.put(s.key(), next.version());
        }
      }
      next.services().forEach(s -> dead.remove(s.key()));
    }
    return pruned(next, upTo, dead, by, at);
  }

  private static ReplicatedTable pruned(ServiceTable table, long upTo, Map<ServiceKey, Long> dead, String by, long at) {
    if (dead.size() > MAX_TOMBSTONES) {
      List<Map.Entry<ServiceKey, Long>> oldest = new ArrayList<>(dead.entrySet());
      oldest.sort(Map.Entry.comparingByValue());
      for (Map.Entry<ServiceKey, Long> e : oldest.subList(0, dead.size() - MAX_TOMBSTONES)) {
        upTo = Math.max(upTo, e.getValue());
      }
      long watermark = upTo;
      dead.values().removeIf(v -> v <= watermark);
    }
    return new ReplicatedTable(table, upTo, dead, by, at);
  }

  private static boolean contains(ServiceTable table, ServiceKey key) {
    return table.services().stream().anyMatch(s -> s.key().equals(key));
  }

  private static Map<ServiceKey, VirtualService> byKey(ServiceTable table) {
    Map<ServiceKey, VirtualService> map = new LinkedHashMap<>();
    table.services().forEach(s -> map.put(s.key(), s));
    return map;
  }

  /** One key's copy in one table: a service, a deletion, or nothing known. */
  private record Entry(VirtualService service, long version) {
    boolean dead() {
      return service == null;
    }
  }

  private Entry entry(ServiceKey key, Map<ServiceKey, VirtualService> services) {
    VirtualService s = services.get(key);
    if (s != null) {
      return new Entry(s, s.version());
    }
    Long v = tombstones.get(key);
    return v == null ? null : new Entry(null, v);
  }

  /** The newer copy; ties go to the deletion, then to the larger JSON text, the same on every director. */
  private static Entry newer(Entry a, Entry b) {
    if (a == null) {
      return b;
    }
    if (b == null) {
      return a;
    }
    if (a.version() != b.version()) {
      return a.version() > b.version() ? a : b;
    }
    if (a.dead() || b.dead()) {
      return a.dead() ? a : b;
    }
    String ja = ServiceJson.toJson(a.service()).encode();
    String jb = ServiceJson.toJson(b.service()).encode();
    return ja.compareTo(jb) >= 0 ? a : b;
  }

  /**
   * The merge of this table and {@code other}, key by key, at the higher of the two versions. Services keep
   * {@code other}'s order, then this table's. The caller decides whether the result needs a new version.
   */
  public ReplicatedTable merge(ReplicatedTable other) {
    Map<ServiceKey, VirtualService> mine = byKey(table);
    Map<ServiceKey, VirtualService> theirs = byKey(other.table);
    Set<ServiceKey> keys = new LinkedHashSet<>(theirs.keySet());
    keys.addAll(mine.keySet());
    keys.addAll(other.tombstones.keySet());
    keys.addAll(tombstones.keySet());
    long upTo = Math.max(deletedUpTo, other.deletedUpTo);
    Map<ServiceKey, VirtualService> services = new LinkedHashMap<>();
    Map<ServiceKey, Long> dead = new LinkedHashMap<>();
    for (ServiceKey key : keys) {
      Entry a = entry(key, mine);
      Entry b = other.entry(key, theirs);
      // A table that knows nothing of a key it has deleted up to: the copy of the other is deleted there.
      if (a == null && b != null && b.version() <= deletedUpTo) {
        a = new Entry(null, b.version());
      }
      if (b == null && a != null && a.version() <= other.deletedUpTo) {
        b = new Entry(null, a.version());
      }
      Entry winner = newer(b, a);
      if (winner == null) {
        continue;
      }
      if (!winner.dead()) {
        services.put(key, winner.service());
      } else if (winner.version() > upTo) {
        dead.put(key, winner.version());
      }
    }
    ReplicatedTable newest = version() >= other.version() ? this : other;
    return pruned(new ServiceTable(Math.max(version(), other.version()), services,
        newerTimeouts(table.timeouts(), other.table.timeouts())), upTo, dead, newest.origin, newest.time);
  }

  /** The timeouts set last (by table version); a tie, set apart on both sides of a partition, by their text. */
  private static Timeouts newerTimeouts(Timeouts a, Timeouts b) {
    if (a.version() != b.version()) {
      return a.version() > b.version() ? a : b;
    }
    return a.toJson().encode().compareTo(b.toJson().encode()) >= 0 ? a : b;
  }

  /** Same services, timeouts, deletions and watermark; the versions of the tables themselves aside. */
  public boolean sameContent(ReplicatedTable other) {
    return byKey(table).equals(byKey(other.table)) && table.timeouts().equals(other.table.timeouts())
        && deletedUpTo == other.deletedUpTo && tombstones.equals(other.tombstones);
  }

  public ReplicatedTable withVersion(long version, String by, long at) {
    return new ReplicatedTable(new ServiceTable(version, byKey(table), table.timeouts()), deletedUpTo, tombstones, by,
        at);
  }

  // ---- changes, as the scheduling verticle follows them ----

  /**
   * The {@link ConfigChange}s that take a follower of {@code vsd.config} from {@code from} to {@code to}, with
   * versions that end at {@code to}'s and grow one by one: per changed service, or a clear and then every
   * service of {@code to}, whichever is shorter (see {@link #cost}).
   */
  public static List<ConfigChange> changes(ServiceTable from, ServiceTable to, String origin, long time) {
    Map<ServiceKey, VirtualService> before = byKey(from);
    Map<ServiceKey, VirtualService> after = byKey(to);
    List<ConfigChange> list = new ArrayList<>();
    if (!from.timeouts().equals(to.timeouts())) {
      list.add(new ConfigChange(0, ConfigChange.Kind.TIMEOUTS_CHANGED, null, to.timeouts().toJson(), origin, time));
    }
    if (perService(before, after) <= 1 + after.size()) {
      before.keySet().stream().filter(k -> !after.containsKey(k)).sorted(Comparator.naturalOrder()).forEach(k ->
          list.add(new ConfigChange(0, ConfigChange.Kind.SERVICE_DELETED, k.toString(), null, origin, time)));
      after.forEach((k, s) -> {
        VirtualService old = before.get(k);
        if (old == null) {
          list.add(change(ConfigChange.Kind.SERVICE_ADDED, s, origin, time));
        } else if (!old.equals(s)) {
          boolean onlyServers = old.withServers(s.servers(), s.version()).equals(s);
          list.add(change(onlyServers ? ConfigChange.Kind.SERVERS_CHANGED : ConfigChange.Kind.SERVICE_EDITED, s,
              origin, time));
        }
      });
    } else {
      list.add(new ConfigChange(0, ConfigChange.Kind.CLEARED, null, null, origin, time));
      after.values().forEach(s -> list.add(change(ConfigChange.Kind.SERVICE_ADDED, s, origin, time)));
    }
    List<ConfigChange> numbered = new ArrayList<>();
    long v = to.version() - list.size();
    for (ConfigChange c : list) {
      v++;
      numbered.add(new ConfigChange(v, c.kind(), c.service(), c.state(), c.origin(), c.time()));
    }
    return numbered;
  }

  private static ConfigChange change(ConfigChange.Kind kind, VirtualService s, String origin, long time) {
    return new ConfigChange(0, kind, s.key().toString(), ServiceJson.toJson(s), origin, time);
  }

  private static int perService(Map<ServiceKey, VirtualService> before, Map<ServiceKey, VirtualService> after) {
    int n = 0;
    for (ServiceKey k : before.keySet()) {
      if (!after.containsKey(k)) {
        n++;
      }
    }
    for (Map.Entry<ServiceKey, VirtualService> e : after.entrySet()) {
      if (!e.getValue().equals(before.get(e.getKey()))) {
        n++;
      }
    }
    return n;
  }

  /**
   * How many changes {@link #changes} needs from {@code from} to {@code to}. A table version must grow by at
   * least this much over any step, so that a follower can always be given one change per version: a command
   * changes one service (+1), a clear is one change, and a merge adds the larger of the costs from either side.
   */
  public static int cost(ServiceTable from, ServiceTable to) {
    Map<ServiceKey, VirtualService> after = byKey(to);
    return Math.min(perService(byKey(from), after), 1 + after.size())
        + (from.timeouts().equals(to.timeouts()) ? 0 : 1);
  }

  // ---- JSON ----

  /** The cluster-only part, for the state file: {@code {"deletedUpTo": W, "deleted": {"tcp/..": V}}}. */
  public JsonObject historyJson() {
    JsonObject dead = new JsonObject();
    tombstones.forEach((k, v) -> dead.put(k.toString(), v));
    return new JsonObject().put("deletedUpTo", deletedUpTo).put("deleted", dead);
  }

  /** The shared value's text: the table as the state file holds it, with its history and who wrote it. */
  public String encode() {
    return table.toJson()
        .put("deletedUpTo", deletedUpTo)
        .put("deleted", historyJson().getJsonObject("deleted"))
        .put("origin", origin)
        .put("time", time)
        .encode();
  }

  public static ReplicatedTable decode(String text) {
    JsonObject json = new JsonObject(text);
    return fromJson(ServiceTable.fromJson(json), json, json.getString("origin"), json.getLong("time", 0L));
  }

  /** {@code table} with the history in {@code history} ({@link #historyJson()}'s form; null: none). */
  public static ReplicatedTable fromJson(ServiceTable table, JsonObject history, String origin, long time) {
    Map<ServiceKey, Long> dead = new HashMap<>();
    long upTo = 0;
    if (history != null) {
      upTo = history.getLong("deletedUpTo", 0L);
      JsonObject d = history.getJsonObject("deleted", new JsonObject());
      for (String k : d.fieldNames()) {
        dead.put(ServiceKey.parse(k), d.getLong(k));
      }
    }
    Map<ServiceKey, Long> ordered = new LinkedHashMap<>();
    dead.entrySet().stream().sorted(Map.Entry.comparingByValue()).forEach(e -> ordered.put(e.getKey(), e.getValue()));
    return new ReplicatedTable(table, upTo, ordered, origin, time);
  }

  /** For messages: "version 12, 3 services". */
  public String describe() {
    int n = table.services().size();
    return "version " + version() + ", " + n + " virtual service" + (n == 1 ? "" : "s");
  }
}
