package io.vsd.services.table;

import io.vsd.eventbus.cluster.SharedValue;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.function.Consumer;

/**
 * A {@link SharedValue} in memory, for tests: events come on one thread of their own, in order, as Hazelcast's
 * do for one key. {@link #overwrite} and {@link #lose} play what a healed split brain and a lost partition do.
 */
final class InMemorySharedValue implements SharedValue, AutoCloseable {
  private String value;
  private final List<Consumer<String>> listeners = new CopyOnWriteArrayList<>();
  private final ExecutorService events = Executors.newSingleThreadExecutor();
  volatile int replaces;

  @Override
  public synchronized String get() {
    return value;
  }

  @Override
  public synchronized boolean putIfAbsent(String v) {
    if (value != null) {
      return false;
    }
    value = v;
    fire(v);
    return true;
  }

  @Override
  public synchronized boolean replace(String expected, String v) {
    replaces++;
    if (value == null || !value.equals(expected)) {
      return false;
    }
    value = v;
    fire(v);
    return true;
  }

  /** What Hazelcast's merge policy does after a split brain: the other side's value, with an event. */
  synchronized void overwrite(String v) {
    value = v;
    fire(v);
  }

  /** The entry is gone (more members lost than backups), with no event. */
  synchronized void lose() {
    value = null;
  }

  private void fire(String v) {
    events.submit(() -> listeners.forEach(l -> l.accept(v)));
  }

  @Override
  public AutoCloseable listen(Consumer<String> listener) {
    listeners.add(listener);
    return () -> listeners.remove(listener);
  }

  @Override
  public void close() {
    events.shutdownNow();
  }
}
