package io.vsd.services.table;

import io.vsd.eventbus.cluster.SharedValue;

/**
 * The clustered table store that {@link ServiceTableVerticle} takes when its director is in a cluster
 * (docs/cluster.md): the cluster's one table lives in a {@link SharedValue} (a Hazelcast map entry) as a
 * {@link ReplicatedTable}, and every write is a compare-and-set on it.
 *
 * <p>Its methods block on the network: the verticle calls them off its event loop, one at a time, with the
 * table it holds; they return what the verticle should hold next and change no state of their own.
 */
public final class ClusteredTable {
  private static final System.Logger LOG = System.getLogger(ClusteredTable.class.getName());
  private static final int MAX_ROUNDS = 20;

  private final SharedValue shared;
  private final ReplicatedTable seed;
  private final ReplicatedTable saved;
  private final String self;

  /** How a director came by its first table. */
  public enum Start {
    /** The cluster had no table: this director's became the cluster's. */
    FOUNDED,
    /** The cluster's table had everything this director had saved: it took the cluster's. */
    JOINED,
    /** This director had saved something the cluster's table lacked: it merged the two and wrote the merge. */
    MERGED
  }

  /** A table to hold, the shared value's exact text for it, and whether this director wrote it. */
  public record Step(ReplicatedTable table, String raw, boolean mine) {}

  /** The first table, and how it was come by. */
  public record Joined(Step step, Start start) {}

  /**
   * @param shared where the cluster's table is
   * @param seed   the table to start the cluster with when it has none: this director's saved table, or the
   *               config file's services when it has none
   * @param saved  this director's saved table (empty when none), merged into the cluster's when it has one
   * @param self   this director's id, recorded as the writer
   */
  public ClusteredTable(SharedValue shared, ReplicatedTable seed, ReplicatedTable saved, String self) {
    this.shared = shared;
    this.seed = seed;
    this.saved = saved;
    this.self = self;
  }

  public SharedValue shared() {
    return shared;
  }

  /** What {@link #quick} found: nothing to do. */
  public static final Step NOTHING = new Step(null, null, false);

  /**
   * Without blocking, what the common case needs: the cluster's table {@code raw} holds everything
   * {@code current} holds and is not older, so it is simply taken ({@link Step}); or it is an event older than
   * what is held, which brings nothing ({@link #NOTHING}). Null when only {@link #converge} can tell (a merge
   * to write, a table to put back).
   */
  public static Step quick(ReplicatedTable current, String currentRaw, String raw, boolean fromEvent) {
    if (raw == null) {
      return null;
    }
    if (raw.equals(currentRaw)) {
      return NOTHING;
    }
    try {
      ReplicatedTable theirs = ReplicatedTable.decode(raw);
      ReplicatedTable merged = current.merge(theirs);
      if (merged.sameContent(theirs) && theirs.version() >= current.version()) {
        return new Step(theirs, raw, false);
      }
      if (fromEvent && merged.sameContent(current)) {
        return NOTHING;
      }
    } catch (RuntimeException unreadable) {
      // converge says so and repairs it
    }
    return null;
  }

  /** Blocks: the table to start with. Before it returns, the cluster's table holds everything this one saved. */
  public Joined join() {
    String raw = shared.get();
    if (raw == null) {
      String seedRaw = seed.encode();
      if (shared.putIfAbsent(seedRaw)) {
        return new Joined(new Step(seed, seedRaw, true), Start.FOUNDED);
      }
      raw = shared.get();
    }
    Step step = converge(saved, null, raw, false);
    if (step == null) {
      throw new IllegalStateException("could not agree on the service table with the cluster: it kept changing");
    }
    return new Joined(step, step.mine() ? Start.MERGED : Start.JOINED);
  }

  /** Blocks: writes {@code next} if the cluster's table is still {@code expectedRaw}. */
  public boolean commit(String expectedRaw, String nextRaw) {
    return expectedRaw == null ? shared.putIfAbsent(nextRaw) : shared.replace(expectedRaw, nextRaw);
  }

  /** Blocks: the cluster's table now (null when there is none). */
  public String read() {
    return shared.get();
  }

  /**
   * Blocks: brings {@code current} (whose shared text was {@code currentRaw}) and the cluster's table
   * {@code raw} together. The cluster's table is taken when it holds everything {@code current} holds;
   * otherwise the merge of the two is written, with a version high enough that every director can follow it
   * one change per version ({@link ReplicatedTable#cost}). A table that the cluster lost is put back.
   *
   * @param fromEvent {@code raw} came with a change event, which may be older than the table now: an older
   *                  table that brings nothing new is ignored rather than written over
   * @return what to hold next, or null for "nothing to do" (also when the table kept changing; the periodic
   *     check tries again)
   */
  public Step converge(ReplicatedTable current, String currentRaw, String raw, boolean fromEvent) {
    for (int round = 0; round < MAX_ROUNDS; round++) {
      if (raw == null) {
        if (fromEvent) {
          raw = shared.get();
          fromEvent = false;
          continue;
        }
        String mine = current.encode();
        if (shared.putIfAbsent(mine)) {
          LOG.log(System.Logger.Level.WARNING, "the cluster had no service table; put this director's back ("
              + current.describe() + ")");
          return new Step(current, mine, false);
        }
        raw = shared.get();
        continue;
      }
      if (raw.equals(currentRaw)) {
        return null;
      }
      ReplicatedTable theirs;
      try {
        theirs = ReplicatedTable.decode(raw);
      } catch (RuntimeException e) {
        LOG.log(System.Logger.Level.ERROR, "the cluster's service table cannot be read (" + e.getMessage()
            + "); writing this director's over it");
        ReplicatedTable fixed = current.withVersion(current.version() + 1, self, System.currentTimeMillis());
        String fixedRaw = fixed.encode();
        if (shared.replace(raw, fixedRaw)) {
          return new Step(fixed, fixedRaw, true);
        }
        raw = shared.get();
        continue;
      }
      ReplicatedTable merged = current.merge(theirs);
      if (merged.sameContent(theirs) && theirs.version() >= current.version()) {
        return new Step(theirs, raw, false);
      }
      if (fromEvent && merged.sameContent(current)) {
        // An event older than what we hold: it brings nothing. What the map really holds is checked periodically.
        return null;
      }
      long bump = Math.max(1, Math.max(ReplicatedTable.cost(current.table(), merged.table()),
          ReplicatedTable.cost(theirs.table(), merged.table())));
      ReplicatedTable candidate = merged.withVersion(Math.max(current.version(), theirs.version()) + bump, self,
          System.currentTimeMillis());
      String candidateRaw = candidate.encode();
      if (shared.replace(raw, candidateRaw)) {
        LOG.log(System.Logger.Level.INFO, "merged this director's service table (" + current.describe()
            + ") with the cluster's (" + theirs.describe() + "): " + candidate.describe());
        return new Step(candidate, candidateRaw, true);
      }
      raw = shared.get();
      fromEvent = false;
    }
    return null;
  }
}
