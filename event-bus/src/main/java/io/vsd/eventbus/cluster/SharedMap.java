package io.vsd.eventbus.cluster;

/**
 * A map of strings that every director of the cluster holds a full copy of: what the persistence templates are
 * shared through (docs/cluster.md, "Persistence templates across directors"). Reads are local and never block;
 * writes are handed to a background writer and reach the other directors a few milliseconds later. Both may be
 * called from any thread, the data plane's event loops included.
 */
public interface SharedMap {

  /** This director's copy of the value under {@code key}, or null. Never blocks on the network. */
  String get(String key);

  /**
   * Writes {@code value} under {@code key} for {@code ttlMillis}, in the background: never blocks. Several writes
   * of one key waiting for the writer are coalesced into the last. When too many writes wait, new keys are
   * dropped (the caller keeps its own copy; only the sharing is lost).
   */
  void put(String key, String value, long ttlMillis);

  /**
   * Calls {@code listener} with each key written (by any director, this one too) and its new value, null when
   * it was removed or expired; on a thread of the cluster's: hop to a Vert.x context. Closing the result stops it.
   */
  AutoCloseable listen(java.util.function.BiConsumer<String, String> listener);
}
