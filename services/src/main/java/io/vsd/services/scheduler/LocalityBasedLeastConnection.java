package io.vsd.services.scheduler;

import java.util.List;

/**
 * lblc (ip_vs_lblc.c): a cache from destination IP (for a proxy, the virtual service address the client
 * reached) to a real server. The cached server is reused unless it is unavailable or "overloaded":
 * {@code activeconns > weight} while some server of the service has {@code activeconns * 2 < weight}. On a
 * miss, or when the cached server cannot be used, pick by wlc and cache the result. Idle entries expire (see
 * {@link LocalityTable}).
 */
final class LocalityBasedLeastConnection implements Scheduler {
  private final Destination[] destinations;
  private final LocalityTable<Destination> cache;

  LocalityBasedLeastConnection(List<Destination> destinations, SchedulerConfig config) {
    this.destinations = destinations.toArray(Destination[]::new);
    this.cache = new LocalityTable<>(config.clock(), LocalityTable.DEFAULT_EXPIRATION_MILLIS);
  }

  @Override
  public Destination pick(PickContext context) {
    long now = cache.now();
    cache.collectIfDue(now);
    LocalityTable.Entry<Destination> entry = cache.get(context.virtualHost(), context.virtualFold());
    if (entry != null) {
      entry.lastUse = now;
      Destination cached = entry.value();
      if (cached.available(context) && !overloaded(cached, destinations)) {
        return cached;
      }
    }
    Destination d = WeightedLeastConnection.least(destinations, context);
    if (d == null) {
      return null;
    }
    if (entry != null) {
      // The kernel replaces the entry, so its idle time starts again.
      entry.set(d);
      entry.lastUse = now;
    } else {
      LocalityTable.Entry<Destination> other = cache.add(context.virtualHost(), context.virtualFold(), d, now);
      if (other.value() != d) {
        other.set(d);
      }
    }
    return d;
  }

  /** The locality rule's "overloaded": busier than its weight while another server is under half of its own. */
  static boolean overloaded(Destination d, Destination[] all) {
    if (d.counts().active() <= d.weight()) {
      return false;
    }
    for (Destination other : all) {
      if (other.counts().active() * 2L < other.weight()) {
        return true;
      }
    }
    return false;
  }

  LocalityTable<Destination> cache() {
    return cache;
  }

  static final class Factory implements SchedulerFactory {
    @Override
    public String name() {
      return "lblc";
    }

    @Override
    public Scheduler create(List<Destination> destinations, SchedulerConfig config) {
      return new LocalityBasedLeastConnection(destinations, config);
    }
  }
}
