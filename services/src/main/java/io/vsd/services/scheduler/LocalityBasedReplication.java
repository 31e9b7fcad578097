package io.vsd.services.scheduler;

import java.util.List;

/**
 * lblcr (ip_vs_lblcr.c): like lblc, but each destination IP has a set of servers. Use the member with the
 * least overhead / weight; when there is none, or it is "overloaded" (lblc's rule), pick by wlc over all the
 * servers and add the result to the set. When the set has more than one member and has not changed for the
 * expiration time (24 h), its most loaded member is removed.
 */
final class LocalityBasedReplication implements Scheduler {
  private final Destination[] destinations;
  private final LocalityTable<ServerSet> table;

  /**
   * An immutable set of servers, newest first as the kernel's list_add_rcu keeps it, so ties in the set go to
   * the most recently added member; and when the set last changed.
   */
  record ServerSet(Destination[] members, long lastModified) {

    boolean contains(Destination d) {
      for (Destination m : members) {
        if (m == d) {
          return true;
        }
      }
      return false;
    }

    ServerSet with(Destination d, long now) {
      Destination[] next = new Destination[members.length + 1];
      next[0] = d;
      System.arraycopy(members, 0, next, 1, members.length);
      return new ServerSet(next, now);
    }

    ServerSet without(Destination d, long now) {
      Destination[] next = new Destination[members.length - 1];
      int k = 0;
      for (Destination m : members) {
        if (m != d) {
          next[k++] = m;
        }
      }
      return new ServerSet(next, now);
    }

    /** ip_vs_dest_set_max: the first member of weight > 0, replaced by any strictly more loaded one. */
    Destination mostLoaded() {
      Destination most = null;
      long mostOverhead = 0;
      for (Destination d : members) {
        if (d.weight() <= 0) {
          continue;
        }
        long overhead = d.overhead();
        if (most == null || mostOverhead * d.weight() < overhead * most.weight()) {
          most = d;
          mostOverhead = overhead;
        }
      }
      return most;
    }
  }

  LocalityBasedReplication(List<Destination> destinations, SchedulerConfig config) {
    this.destinations = destinations.toArray(Destination[]::new);
    this.table = new LocalityTable<>(config.clock(), LocalityTable.DEFAULT_EXPIRATION_MILLIS);
  }

  @Override
  public Destination pick(PickContext context) {
    long now = table.now();
    table.collectIfDue(now);
    LocalityTable.Entry<ServerSet> entry = table.get(context.virtualHost(), context.virtualFold());
    if (entry != null) {
      entry.lastUse = now;
      ServerSet set = entry.value();
      Destination d = WeightedLeastConnection.least(set.members(), context);
      if (set.members().length > 1 && now - set.lastModified() > table.expiration()) {
        Destination most = set.mostLoaded();
        if (most != null) {
          entry.compareAndSet(set, set.without(most, now)); // lost to another pick: it changed the set itself
        }
      }
      if (d != null && !LocalityBasedLeastConnection.overloaded(d, destinations)) {
        return d;
      }
    }
    Destination d = WeightedLeastConnection.least(destinations, context);
    if (d == null) {
      return null;
    }
    if (entry == null) {
      entry = table.add(context.virtualHost(), context.virtualFold(), new ServerSet(new Destination[] {d}, now), now);
    }
    while (true) {
      ServerSet set = entry.value();
      if (set.contains(d) || entry.compareAndSet(set, set.with(d, now))) {
        return d;
      }
    }
  }

  LocalityTable<ServerSet> table() {
    return table;
  }

  static final class Factory implements SchedulerFactory {
    @Override
    public String name() {
      return "lblcr";
    }

    @Override
    public Scheduler create(List<Destination> destinations, SchedulerConfig config) {
      return new LocalityBasedReplication(destinations, config);
    }
  }
}
