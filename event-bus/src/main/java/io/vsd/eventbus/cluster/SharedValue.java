package io.vsd.eventbus.cluster;

import java.util.function.Consumer;

/**
 * One value shared by every member of the cluster, with compare-and-set: what the clustered service table
 * is kept in (one JSON document, docs/cluster.md). Every method but {@link #listen} blocks on the network:
 * call them off the event loop.
 */
public interface SharedValue {

  /** The value now, or null when there is none. */
  String get();

  /** Sets the value when there is none; false when there already was one. */
  boolean putIfAbsent(String value);

  /** Sets {@code value} only when the value now is {@code expected}; false when it is not (or there is none). */
  boolean replace(String expected, String value);

  /**
   * Calls {@code listener}, on a thread of the cluster's, with each new value, and with null when something
   * happened that may have changed the value without an event (a member left, a split brain healed): the
   * listener should then read the value again.
   *
   * @return closing it stops the calls
   */
  AutoCloseable listen(Consumer<String> listener);
}
