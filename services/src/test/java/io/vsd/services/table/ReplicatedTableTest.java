package io.vsd.services.table;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import io.vsd.eventbus.ConfigChange;
import io.vsd.services.model.ServiceJson;
import io.vsd.services.model.ServiceKey;
import io.vsd.services.model.Timeouts;
import io.vsd.services.model.VirtualService;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;
import org.junit.jupiter.api.Test;

class ReplicatedTableTest {

  static VirtualService svc(String address, int weight, long version) {
    JsonObject json = new JsonObject().put("address", address).put("scheduler", "rr")
        .put("servers", new JsonArray().add(new JsonObject().put("address", "127.0.0.1:9001").put("weight", weight)))
        .put("version", version);
    return ServiceJson.fromJson(json);
  }

  static ServiceKey key(String address) {
    return ServiceKey.parse("tcp/" + address);
  }

  static ReplicatedTable base() {
    return ReplicatedTable.of(ServiceTable.of(3, List.of(svc("10.0.0.1:80", 1, 1), svc("10.0.0.2:80", 1, 2),
        svc("10.0.0.3:80", 1, 3))), "a");
  }

  @Test
  void aDeletionIsKeptAsATombstoneAndBeatsAnOlderCopy() {
    ReplicatedTable before = base();
    ServiceTable next = before.table().deleteService(key("10.0.0.2:80"));
    ReplicatedTable after = before.after(next, ConfigChange.Kind.SERVICE_DELETED, "a", 1);
    assertEquals(Map.of(key("10.0.0.2:80"), 4L), after.tombstones());
    // A director that was away still has the service: the merge drops it, whichever side merges.
    assertEquals(2, after.merge(before).table().services().size());
    assertEquals(2, before.merge(after).table().services().size());
    assertTrue(before.merge(after).sameContent(after));
  }

  @Test
  void aClearDeletesEverythingUpToItsVersionWithoutATombstoneEach() {
    ReplicatedTable before = base();
    ReplicatedTable cleared = before.after(before.table().clear(), ConfigChange.Kind.CLEARED, "a", 1);
    assertEquals(4, cleared.deletedUpTo());
    assertTrue(cleared.tombstones().isEmpty());
    assertTrue(before.merge(cleared).table().services().isEmpty());
    // A service added elsewhere after the clear (a higher version) survives it.
    ReplicatedTable added = ReplicatedTable.of(ServiceTable.of(5, List.of(svc("10.0.0.9:80", 1, 5))), "b");
    assertEquals(List.of(key("10.0.0.9:80")),
        cleared.merge(added).table().services().stream().map(VirtualService::key).toList());
  }

  @Test
  void theNewerVersionOfAServiceWinsOnEitherSide() {
    ReplicatedTable a = base();
    ReplicatedTable b = a.after(a.table().editServer(key("10.0.0.1:80"), svc("10.0.0.1:80", 7, 0).servers().getFirst()),
        ConfigChange.Kind.SERVERS_CHANGED, "b", 1);
    assertEquals(7, a.merge(b).table().service(key("10.0.0.1:80")).servers().getFirst().weight());
    assertEquals(7, b.merge(a).table().service(key("10.0.0.1:80")).servers().getFirst().weight());
  }

  @Test
  void editsOnBothSidesOfAPartitionAreBothKept() {
    ReplicatedTable common = base();
    ReplicatedTable left = common.after(common.table().addService(svc("10.0.0.7:80", 1, 0)),
        ConfigChange.Kind.SERVICE_ADDED, "a", 1);
    ReplicatedTable right = common.after(common.table().deleteService(key("10.0.0.3:80")),
        ConfigChange.Kind.SERVICE_DELETED, "b", 1);
    ReplicatedTable merged = left.merge(right);
    assertEquals(List.of("10.0.0.1:80", "10.0.0.2:80", "10.0.0.7:80"),
        merged.table().services().stream().map(s -> s.key().endpoint().toString()).toList());
    assertTrue(merged.sameContent(right.merge(left)));
  }

  @Test
  void theSameVersionEditedApartMergesTheSameWayEverywhere() {
    ReplicatedTable common = base();
    ReplicatedTable left = common.after(common.table().editServer(key("10.0.0.1:80"),
        svc("10.0.0.1:80", 5, 0).servers().getFirst()), ConfigChange.Kind.SERVERS_CHANGED, "a", 1);
    ReplicatedTable right = common.after(common.table().editServer(key("10.0.0.1:80"),
        svc("10.0.0.1:80", 9, 0).servers().getFirst()), ConfigChange.Kind.SERVERS_CHANGED, "b", 1);
    assertTrue(left.merge(right).sameContent(right.merge(left)));
  }

  @Test
  void droppedTombstonesStillDeleteThroughTheWatermark() {
    ReplicatedTable t = ReplicatedTable.of(ServiceTable.EMPTY, "a");
    ReplicatedTable old = null;
    for (int i = 0; i < ReplicatedTable.MAX_TOMBSTONES + 10; i++) {
      String address = "10.1." + (i / 250) + "." + (i % 250 + 1) + ":80";
      t = t.after(t.table().addService(svc(address, 1, 0)), ConfigChange.Kind.SERVICE_ADDED, "a", 1);
      if (i == 0) {
        old = t;
      }
      t = t.after(t.table().deleteService(key(address)), ConfigChange.Kind.SERVICE_DELETED, "a", 1);
    }
    assertEquals(ReplicatedTable.MAX_TOMBSTONES, t.tombstones().size());
    assertTrue(t.deletedUpTo() > 0);
    // The first service's tombstone is gone, but a stale copy of it still does not come back.
    assertTrue(old.merge(t).table().services().isEmpty());
    assertTrue(t.merge(old).table().services().isEmpty());
  }

  @Test
  void sharedTextRoundTrips() {
    ReplicatedTable before = base();
    ReplicatedTable after = before.after(before.table().deleteService(key("10.0.0.2:80")),
        ConfigChange.Kind.SERVICE_DELETED, "a", 42);
    ReplicatedTable back = ReplicatedTable.decode(after.encode());
    assertTrue(back.sameContent(after));
    assertEquals(after.version(), back.version());
    assertEquals("a", back.origin());
    assertEquals(42, back.time());
  }

  /**
   * The invariant the scheduling verticle depends on: from any table, a follower can be brought to any later
   * one with one change per version, and the changes give exactly the later table. Random commands on two
   * sides of a partition, then merges, as the clustered table verticle makes them.
   */
  @Test
  void anyLaterTableIsReachedOneVersionAtATime() {
    Random random = new Random(5);
    for (int run = 0; run < 200; run++) {
      List<ReplicatedTable> history = new ArrayList<>();
      ReplicatedTable left = ReplicatedTable.of(ServiceTable.EMPTY, "a");
      history.add(left);
      for (int i = 0; i < 15; i++) {
        left = step(left, random);
        history.add(left);
      }
      ReplicatedTable right = left;
      for (int i = 0; i < 1 + random.nextInt(8); i++) {
        left = step(left, random);
        right = step(right, random);
        history.add(left);
      }
      ReplicatedTable merged = left.merge(right);
      long bump = Math.max(1, Math.max(ReplicatedTable.cost(left.table(), merged.table()),
          ReplicatedTable.cost(right.table(), merged.table())));
      merged = merged.withVersion(Math.max(left.version(), right.version()) + bump, "a", 0);
      history.add(merged);
      for (int i = 0; i < 5; i++) {
        merged = step(merged, random);
        history.add(merged);
      }
      ServiceTable last = merged.table();
      for (ReplicatedTable from : history) {
        List<ConfigChange> changes = ReplicatedTable.changes(from.table(), last, "a", 0);
        if (!changes.isEmpty()) {
          assertTrue(changes.getFirst().version() > from.version(), "run " + run + ": from " + from.version()
              + " to " + last.version() + " takes " + changes.size());
          assertEquals(last.version(), changes.getLast().version());
        }
        assertEquals(byKey(last), apply(from.table(), changes));
      }
    }
  }

  private static ReplicatedTable step(ReplicatedTable t, Random random) {
    List<VirtualService> services = new ArrayList<>(t.table().services());
    int n = random.nextInt(10);
    String address = "10.0.0." + (1 + random.nextInt(6)) + ":80";
    ServiceKey k = key(address);
    boolean exists = services.stream().anyMatch(s -> s.key().equals(k));
    if (n == 0) {
      return t.after(t.table().clear(), ConfigChange.Kind.CLEARED, "a", 0);
    } else if (n < 4 && exists) {
      return t.after(t.table().deleteService(k), ConfigChange.Kind.SERVICE_DELETED, "a", 0);
    } else if (exists) {
      return t.after(t.table().editServer(k, svc(address, random.nextInt(100), 0).servers().getFirst()),
          ConfigChange.Kind.SERVERS_CHANGED, "a", 0);
    }
    return t.after(t.table().addService(svc(address, 1, 0)), ConfigChange.Kind.SERVICE_ADDED, "a", 0);
  }

  private static Map<ServiceKey, VirtualService> byKey(ServiceTable t) {
    Map<ServiceKey, VirtualService> m = new LinkedHashMap<>();
    t.services().forEach(s -> m.put(s.key(), s));
    return m;
  }

  /** What the scheduling verticle does with the changes. */
  private static Map<ServiceKey, VirtualService> apply(ServiceTable from, List<ConfigChange> changes) {
    Map<ServiceKey, VirtualService> m = byKey(from);
    for (ConfigChange c : changes) {
      switch (c.kind()) {
        case CLEARED -> m.clear();
        case SERVICE_DELETED -> m.remove(ServiceKey.parse(c.service()));
        default -> {
          VirtualService s = ServiceJson.fromJson(c.state());
          m.put(s.key(), s);
        }
      }
    }
    return m;
  }

  @Test
  void sameContentIgnoresTheTableVersion() {
    ReplicatedTable a = base();
    assertTrue(a.sameContent(a.withVersion(99, "b", 1)));
    assertFalse(a.sameContent(ReplicatedTable.of(ServiceTable.EMPTY, "a")));
  }
  @Test
  void timeoutsAreTheTablesReplicatedMergedAndFollowedAsAChange() {
    ReplicatedTable a = base();
    Timeouts set = new Timeouts(60, 10, 30, 0);
    ReplicatedTable b = a.after(a.table().setTimeouts(set), ConfigChange.Kind.TIMEOUTS_CHANGED, "b", 1);
    assertEquals(4, b.version());
    assertEquals(new Timeouts(60, 10, 30, 4), b.table().timeouts());
    // -C keeps them, as IPVS does.
    assertEquals(b.table().timeouts(), b.table().clear().timeouts());
    // They travel in the shared value and the state file's form.
    assertEquals(b.table().timeouts(), ReplicatedTable.decode(b.encode()).table().timeouts());
    assertEquals(b.table().timeouts(), ServiceTable.fromJson(b.table().toJson()).timeouts());
    assertEquals(Timeouts.DEFAULT, ServiceTable.fromJson(new JsonObject().put("version", 3)).timeouts());
    // A merge takes the ones set last, whichever side it comes from; they are content, and one change to follow.
    assertEquals(b.table().timeouts(), a.merge(b).table().timeouts());
    assertEquals(b.table().timeouts(), b.merge(a).table().timeouts());
    assertFalse(a.sameContent(b.withVersion(a.version(), "a", 1)));
    List<ConfigChange> changes = ReplicatedTable.changes(a.table(), b.table(), "b", 1);
    assertEquals(1, changes.size());
    assertEquals(ConfigChange.Kind.TIMEOUTS_CHANGED, changes.getFirst().kind());
    assertEquals(4, changes.getFirst().version());
    assertEquals(b.table().timeouts(), Timeouts.fromJson(changes.getFirst().state()));
    assertEquals(1, ReplicatedTable.cost(a.table(), b.table()));
  }

  @Test
  void aTimeoutsChangeTakesZeroAsKeepAndRefusesWhatIpvsadmRefuses() {
    List<io.vsd.services.model.Problem> problems = new ArrayList<>();
    Timeouts current = new Timeouts(900, 120, 300, 7);
    assertEquals(new Timeouts(900, 5, 300, 7), Timeouts.applyChange(new JsonObject().put("tcp", 0).put("tcpfin", 5),
        "", current, problems));
    assertEquals(List.of(), problems);
    assertEquals(null, Timeouts.applyChange(new JsonObject().put("tcp", -1).put("udp", 2678401).put("x", 1), "",
        current, problems));
    assertEquals(List.of("/tcp", "/udp", "/x"), problems.stream().map(io.vsd.services.model.Problem::pointer).sorted().toList());
  }
}
