package io.vsd.services.scheduler;

import java.util.List;
import java.util.Set;

/**
 * sh (ip_vs_sh.c): a static table of 256 buckets, tiled by weight in the order the servers were added (each
 * server takes {@code weight} consecutive buckets, a quiescent one a single bucket), indexed by
 * {@code hash_32(source IP [+ source port with sh-port], 8)}. An unavailable server means no pick, unless
 * {@code sh-fallback} is set: then the buckets are probed onward from the kernel's starting point.
 */
final class SourceHashing implements Scheduler {
  static final String FALLBACK = "sh-fallback";
  static final String PORT = "sh-port";
  static final int BITS = 8;
  static final int SIZE = 1 << BITS;
  private static final int MASK = SIZE - 1;

  private final Destination[] buckets;
  private final boolean fallback;
  private final boolean port;

  SourceHashing(List<Destination> destinations, SchedulerConfig config) {
    this.buckets = tile(destinations);
    this.fallback = config.has(FALLBACK);
    this.port = config.has(PORT);
  }

  /** ip_vs_sh_reassign: round the list, each server taking as many buckets as its weight (at least one). */
  static Destination[] tile(List<Destination> destinations) {
    Destination[] buckets = new Destination[SIZE];
    if (destinations.isEmpty()) {
      return buckets;
    }
    int server = 0;
    int taken = 0;
    for (int i = 0; i < SIZE; i++) {
      Destination d = destinations.get(server);
      buckets[i] = d;
      if (++taken >= d.weight()) {
        server = (server + 1) % destinations.size();
        taken = 0;
      }
    }
    return buckets;
  }

  /** ip_vs_sh_hashkey with offset 0. */
  static int bucket(PickContext context, boolean withPort) {
    int key = context.clientFold() + (withPort ? context.clientPort() : 0);
    return HashKeys.hash32(key, BITS) & MASK;
  }

  @Override
  public Destination pick(PickContext context) {
    int first = bucket(context, port);
    Destination d = buckets[first];
    if (d == null) {
      return null;
    }
    if (d.available(context)) {
      return d;
    }
    if (!fallback) {
      return null;
    }
    // ip_vs_sh_get_fallback: offset o probes hashkey(addr, port, (o + ihash) % 256) = (o + 2 * ihash) & 255,
    // so the probe starts at twice the first bucket. Kept as the kernel has it, so keys fall back alike.
    for (int offset = 0; offset < SIZE; offset++) {
      d = buckets[(offset + 2 * first) & MASK];
      if (d.available(context)) {
        return d;
      }
    }
    return null;
  }

  static final class Factory implements SchedulerFactory {
    @Override
    public String name() {
      return "sh";
    }

    @Override
    public Set<String> flags() {
      return Set.of(FALLBACK, PORT);
    }

    @Override
    public Scheduler create(List<Destination> destinations, SchedulerConfig config) {
      return new SourceHashing(destinations, config);
    }
  }
}
