package io.vsd.services.scheduler;

import java.util.List;
import java.util.Set;

/**
 * mh, Maglev hashing (ip_vs_mh.c): lookup = hash(source IP [+ source port with mh-port]) mod M in a
 * {@link MaglevTable}. An unavailable server means no pick, unless {@code mh-fallback} is set: then, as the
 * kernel does, probe o = 0, 1, ... rehashes the key plus (first slot + o) mod M, until an available server.
 */
final class MaglevHashing implements Scheduler {
  static final String NAME = "mh";
  static final String FALLBACK = "mh-fallback";
  static final String PORT = "mh-port";

  private final MaglevTable table;
  private final boolean fallback;
  private final boolean port;

  MaglevHashing(List<Destination> destinations, SchedulerConfig config) {
    this.table = MaglevTable.build(destinations, config.mhTableSize());
    this.fallback = config.has(FALLBACK);
    this.port = config.has(PORT);
  }

  @Override
  public Destination pick(PickContext context) {
    int key = context.clientFold() + (port ? context.clientPort() : 0);
    int first = table.index(key);
    Destination d = table.slot(first);
    if (d == null) {
      return null;
    }
    if (d.available(context)) {
      return d;
    }
    if (!fallback) {
      return null;
    }
    int m = table.size();
    for (int offset = 0; offset < m; offset++) {
      int probe = offset + first;
      if (probe >= m) {
        probe -= m;
      }
      d = table.slot(table.index(key + probe));
      if (d.available(context)) {
        return d;
      }
    }
    return null;
  }

  MaglevTable table() {
    return table;
  }

  static final class Factory implements SchedulerFactory {
    @Override
    public String name() {
      return NAME;
    }

    @Override
    public Set<String> flags() {
      return Set.of(FALLBACK, PORT);
    }

    @Override
    public Scheduler create(List<Destination> destinations, SchedulerConfig config) {
      return new MaglevHashing(destinations, config);
    }
  }
}
