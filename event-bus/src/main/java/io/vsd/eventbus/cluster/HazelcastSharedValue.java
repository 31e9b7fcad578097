package io.vsd.eventbus.cluster;

import com.hazelcast.cluster.MembershipEvent;
import com.hazelcast.cluster.MembershipListener;
import com.hazelcast.core.EntryEvent;
import com.hazelcast.core.HazelcastInstance;
import com.hazelcast.core.LifecycleEvent;
import com.hazelcast.map.IMap;
import com.hazelcast.map.listener.EntryAddedListener;
import com.hazelcast.map.listener.EntryMergedListener;
import com.hazelcast.map.listener.EntryRemovedListener;
import com.hazelcast.map.listener.EntryUpdatedListener;
import java.util.UUID;
import java.util.function.Consumer;

/** A {@link SharedValue} kept under one key of a Hazelcast IMap. */
final class HazelcastSharedValue implements SharedValue {
  private final HazelcastInstance hazelcast;
  private final IMap<String, String> map;
  private final String key;

  HazelcastSharedValue(HazelcastInstance hazelcast, String mapName, String key) {
    this.hazelcast = hazelcast;
    this.map = hazelcast.getMap(mapName);
    this.key = key;
  }

  @Override
  public String get() {
    return map.get(key);
  }

  @Override
  public boolean putIfAbsent(String value) {
    return map.putIfAbsent(key, value) == null;
  }

  @Override
  public boolean replace(String expected, String value) {
    return map.replace(key, expected, value);
  }

  /** The entry's events, plus a "look again" (null) on a member leaving and after a split brain heals. */
  private interface EntryListener extends EntryAddedListener<String, String>, EntryUpdatedListener<String, String>,
      EntryRemovedListener<String, String>, EntryMergedListener<String, String> {}

  @Override
  public AutoCloseable listen(Consumer<String> listener) {
    UUID entries = map.addEntryListener(new EntryListener() {
      @Override
      public void entryAdded(EntryEvent<String, String> e) {
        listener.accept(e.getValue());
      }

      @Override
      public void entryUpdated(EntryEvent<String, String> e) {
        listener.accept(e.getValue());
      }

      @Override
      public void entryRemoved(EntryEvent<String, String> e) {
        listener.accept(null);
      }

      @Override
      public void entryMerged(EntryEvent<String, String> e) {
        listener.accept(e.getValue());
      }
    }, key, true);
    UUID members = hazelcast.getCluster().addMembershipListener(new MembershipListener() {
      @Override
      public void memberAdded(MembershipEvent e) {
        listener.accept(null);
      }

      @Override
      public void memberRemoved(MembershipEvent e) {
        listener.accept(null);
      }
    });
    UUID lifecycle = hazelcast.getLifecycleService().addLifecycleListener(e -> {
      if (e.getState() == LifecycleEvent.LifecycleState.MERGED) {
        listener.accept(null);
      }
    });
    return () -> {
      if (hazelcast.getLifecycleService().isRunning()) {
        map.removeEntryListener(entries);
        hazelcast.getCluster().removeMembershipListener(members);
        hazelcast.getLifecycleService().removeLifecycleListener(lifecycle);
      }
    };
  }
}
