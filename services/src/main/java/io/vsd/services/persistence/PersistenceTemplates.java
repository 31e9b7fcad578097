package io.vsd.services.persistence;

import io.vsd.services.model.Endpoint;
import io.vsd.services.model.Persistence;
import java.net.InetAddress;
import java.util.HashMap;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.function.LongSupplier;

/**
 * The persistence templates of one virtual service. Looked up on every new connection from any event loop:
 * reads of the map take no lock, and a template is replaced whole rather than changed.
 */
public final class PersistenceTemplates {
  private final Map<ClientKey, PersistenceTemplate> templates = new ConcurrentHashMap<>();
  private final Persistence persistence;
  private final long timeoutMillis;
  private final int ipv4Mask;
  private final int ipv6Prefix;
  private final LongSupplier clock;

  public PersistenceTemplates(Persistence persistence, LongSupplier clock) {
    this.persistence = persistence;
    this.timeoutMillis = persistence.timeout() * 1000L;
    this.clock = clock;
    if (persistence.netmask().contains(".")) {
      int mask = 0;
      for (String octet : persistence.netmask().split("\\.")) {
        mask = (mask << 8) | Integer.parseInt(octet);
      }
      this.ipv4Mask = mask;
      this.ipv6Prefix = 128;
    } else {
      this.ipv4Mask = -1;
      this.ipv6Prefix = Integer.parseInt(persistence.netmask());
    }
  }

  public Persistence persistence() {
    return persistence;
  }

  /** The live template of this client, or null. */
  public PersistenceTemplate find(InetAddress client) {
    PersistenceTemplate t = templates.get(ClientKey.of(client, ipv4Mask, ipv6Prefix));
    return t != null && t.live(clock.getAsLong(), timeoutMillis) ? t : null;
  }

  /** Pins this client to {@code server}, replacing any older template, and counts one connection on it. */
  public PersistenceTemplate bind(InetAddress client, Endpoint server) {
    long now = clock.getAsLong();
    ClientKey key = ClientKey.of(client, ipv4Mask, ipv6Prefix);
    PersistenceTemplate t = new PersistenceTemplate(key, server, now);
    t.acquire(now);
    templates.put(key, t);
    return t;
  }

  /** Counts one more connection on an existing template. */
  public void acquire(PersistenceTemplate t) {
    t.acquire(clock.getAsLong());
  }

  /** A connection that {@code t} controlled has ended. */
  public void release(PersistenceTemplate t) {
    t.release(clock.getAsLong());
  }

  /** Drops templates that have expired; called periodically by the scheduling verticle. */
  public void expire() {
    long now = clock.getAsLong();
    templates.values().removeIf(t -> !t.live(now, timeoutMillis));
  }

  /** PersistConn: live templates per real server. */
  public Map<Endpoint, Integer> countsByServer() {
    long now = clock.getAsLong();
    Map<Endpoint, Integer> counts = new HashMap<>();
    for (PersistenceTemplate t : templates.values()) {
      if (t.live(now, timeoutMillis)) {
        counts.merge(t.server(), 1, Integer::sum);
      }
    }
    return counts;
  }
}
