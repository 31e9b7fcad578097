package io.vsd.services.persistence;

import io.vsd.eventbus.cluster.SharedMap;
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
 *
 * <p>In a cluster (docs/cluster.md, "Persistence templates across directors") the templates are also written to
 * the cluster's {@link SharedMap}, in the background, when one is made and again at most every half timeout
 * while it is used; a client this director has no template for is looked up in this director's copy of the
 * shared map (a local read) before it is scheduled, so that a sticky client that fails over to this director
 * lands on the real server another director pinned it to. Nothing here waits on the network.
 */
public final class PersistenceTemplates {
  private final Map<ClientKey, PersistenceTemplate> templates = new ConcurrentHashMap<>();
  private final Persistence persistence;
  private final long timeoutMillis;
  private final int ipv4Mask;
  private final int ipv6Prefix;
  private final LongSupplier clock;
  private final SharedMap shared;
  private final String scope;

  public PersistenceTemplates(Persistence persistence, LongSupplier clock) {
    this(persistence, clock, null, null);
  }

  /**
   * @param shared  the cluster's shared templates, or null when standalone
   * @param service the service's key ({@code tcp/10.0.0.1:80}); with the persistence settings, it names this
   *                service's templates in {@code shared}, so that templates made under other settings are not used
   */
  public PersistenceTemplates(Persistence persistence, LongSupplier clock, SharedMap shared, String service) {
    this.persistence = persistence;
    this.timeoutMillis = persistence.timeout() * 1000L;
    this.clock = clock;
    this.shared = shared;
    this.scope = service + " " + persistence.timeout() + " " + persistence.netmask() + " ";
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

  /** The live template of this client, or null. In a cluster, also one another director made and shared. */
  public PersistenceTemplate find(InetAddress client) {
    ClientKey key = ClientKey.of(client, ipv4Mask, ipv6Prefix);
    PersistenceTemplate t = templates.get(key);
    long now = clock.getAsLong();
    if (t != null && t.live(now, timeoutMillis)) {
      return t;
    }
    return shared == null ? null : adopt(key, now);
  }

  /** A template another director shared, taken in as this director's own (it counts no connection yet). */
  private PersistenceTemplate adopt(ClientKey key, long now) {
    String value = shared.get(scope + key.text());
    if (value == null) {
      return null;
    }
    Endpoint server;
    long expires;
    try {
      int space = value.indexOf(' ');
      server = Endpoint.parse(value.substring(0, space), 0);
      expires = Long.parseLong(value.substring(space + 1));
    } catch (RuntimeException malformed) {
      return null;
    }
    if (expires <= now) {
      return null;
    }
    // Live until the shared one expires; already shared, until then.
    PersistenceTemplate t = new PersistenceTemplate(key, server, expires - timeoutMillis);
    t.shared(expires - timeoutMillis);
    PersistenceTemplate raced = templates.get(key);
    if (raced != null && raced.live(now, timeoutMillis)) {
      return raced;
    }
    templates.put(key, t);
    return t;
  }

  /** Pins this client to {@code server}, replacing any older template, and counts one connection on it. */
  public PersistenceTemplate bind(InetAddress client, Endpoint server) {
    long now = clock.getAsLong();
    ClientKey key = ClientKey.of(client, ipv4Mask, ipv6Prefix);
    PersistenceTemplate t = new PersistenceTemplate(key, server, now);
    t.acquire(now);
    templates.put(key, t);
    share(t, now);
    return t;
  }

  /** Counts one more connection on an existing template. */
  public void acquire(PersistenceTemplate t) {
    long now = clock.getAsLong();
    t.acquire(now);
    refresh(t, now);
  }

  /** A connection that {@code t} controlled has ended. */
  public void release(PersistenceTemplate t) {
    long now = clock.getAsLong();
    t.release(now);
    refresh(t, now);
  }

  /** Writes the template to the shared ones again when its shared copy has run half its timeout. */
  private void refresh(PersistenceTemplate t, long now) {
    if (shared != null && now - t.shared() >= timeoutMillis / 2) {
      share(t, now);
    }
  }

  /** In the background: the shared copy lives {@code timeout} from now. */
  private void share(PersistenceTemplate t, long now) {
    if (shared != null) {
      t.shared(now);
      shared.put(scope + t.client().text(), t.server() + " " + (now + timeoutMillis), timeoutMillis);
    }
  }

  /**
   * Drops templates that have expired; called periodically by the scheduling verticle. In a cluster, also keeps
   * the shared copy of templates that hold open connections from expiring.
   */
  public void expire() {
    long now = clock.getAsLong();
    templates.values().removeIf(t -> !t.live(now, timeoutMillis));
    if (shared != null) {
      for (PersistenceTemplate t : templates.values()) {
        if (t.connections() > 0) {
          refresh(t, now);
        }
      }
    }
  }

  /**
   * A live template as ipvsadm -L -c lists it (state NONE): the masked client, its real server, and how long it has
   * left: the whole timeout while it controls open connections, else what remains of it since the last one ended.
   */
  public record Entry(java.net.InetAddress client, Endpoint server, long leftMillis) {}

  /** The live templates, for the connection list. Safe from any thread. */
  public java.util.List<Entry> entries() {
    long now = clock.getAsLong();
    java.util.List<Entry> list = new java.util.ArrayList<>();
    for (PersistenceTemplate t : templates.values()) {
      if (t.live(now, timeoutMillis)) {
        long left = t.connections() > 0 ? timeoutMillis : timeoutMillis - (now - t.lastUsed());
        list.add(new Entry(t.client().address(), t.server(), Math.max(0, left)));
      }
    }
    return list;
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
