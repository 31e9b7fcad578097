package io.vsd.eventbus.cluster;

import com.hazelcast.core.HazelcastInstance;
import com.hazelcast.replicatedmap.ReplicatedMap;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicLong;

/**
 * A {@link SharedMap} on a Hazelcast ReplicatedMap: every member holds every entry, so a read is a local
 * lookup. A put may be a call to the entry's partition owner, so puts run on one background (virtual) thread of
 * their own, coalesced per key.
 */
final class HazelcastSharedMap implements SharedMap, AutoCloseable {
  private static final System.Logger LOG = System.getLogger(HazelcastSharedMap.class.getName());
  /** At most this many writes wait for the writer; beyond it, writes of new keys are dropped. */
  static final int MAX_PENDING = 100_000;

  private record Write(String value, long ttlMillis) {}

  private final ReplicatedMap<String, String> map;
  private final ConcurrentHashMap<String, Write> pending = new ConcurrentHashMap<>();
  private final AtomicBoolean scheduled = new AtomicBoolean();
  private final AtomicLong dropped = new AtomicLong();
  private final ExecutorService writer;
  private volatile boolean warned;

  HazelcastSharedMap(HazelcastInstance hazelcast, String name) {
    this.map = hazelcast.getReplicatedMap(name);
    this.writer = Executors.newSingleThreadExecutor(Thread.ofVirtual().name("vsd-" + name + "-writer").factory());
  }

  @Override
  public String get(String key) {
    try {
      return map.get(key);
    } catch (RuntimeException e) {
      return null; // shutting down, or not a member any more: as if not shared
    }
  }

  @Override
  public void put(String key, String value, long ttlMillis) {
    if (pending.size() >= MAX_PENDING && !pending.containsKey(key)) {
      dropped.incrementAndGet();
      return;
    }
    pending.put(key, new Write(value, ttlMillis));
    if (scheduled.compareAndSet(false, true)) {
      try {
        writer.execute(this::drain);
      } catch (RejectedExecutionException closed) {
        pending.clear();
      }
    }
  }

  private void drain() {
    scheduled.set(false);
    for (String key : pending.keySet()) {
      Write w = pending.remove(key);
      if (w == null) {
        continue;
      }
      try {
        map.put(key, w.value(), Math.max(1, w.ttlMillis()), TimeUnit.MILLISECONDS);
      } catch (RuntimeException e) {
        if (!warned) {
          warned = true;
          LOG.log(System.Logger.Level.WARNING, "could not share an entry of " + map.getName() + ": " + e);
        }
      }
    }
  }

  @Override
  public AutoCloseable listen(java.util.function.BiConsumer<String, String> listener) {
    java.util.UUID id = map.addEntryListener(new com.hazelcast.core.EntryAdapter<String, String>() {
      @Override
      public void onEntryEvent(com.hazelcast.core.EntryEvent<String, String> e) {
        listener.accept(e.getKey(), e.getValue());
      }
    });
    return () -> {
      try {
        map.removeEntryListener(id);
      } catch (RuntimeException shuttingDown) {
        // nothing to stop any more
      }
    };
  }

  /** Writes dropped because too many waited. */
  long dropped() {
    return dropped.get();
  }

  @Override
  public void close() {
    writer.shutdownNow();
  }
}
