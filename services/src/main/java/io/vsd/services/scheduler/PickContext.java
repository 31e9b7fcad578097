package io.vsd.services.scheduler;

import io.vsd.services.persistence.PersistenceTemplate;
import io.vsd.services.persistence.PersistenceTemplates;
import java.net.InetAddress;
import java.net.InetSocketAddress;

/**
 * What a scheduler may look at for one new connection: the client, the virtual address it reached, and the
 * real servers already tried for it (a failed connect is retried on another server).
 *
 * <p>One instance serves one connection on one event loop, so the hash keys it caches need no fences.
 */
public final class PickContext {
  private final InetSocketAddress client;
  private final InetSocketAddress virtualAddress;
  private Destination[] tried = NONE;
  private PersistenceTemplates templates;
  private PersistenceTemplate template;
  private int clientFold;
  private boolean clientFolded;
  private int virtualFold;
  private boolean virtualFolded;

  private static final Destination[] NONE = new Destination[0];

  public PickContext(InetSocketAddress client, InetSocketAddress virtualAddress) {
    this.client = client;
    this.virtualAddress = virtualAddress;
  }

  public InetSocketAddress client() {
    return client;
  }

  public InetSocketAddress virtualAddress() {
    return virtualAddress;
  }

  /** Excludes {@code d} from the next picks for this connection. */
  public void tried(Destination d) {
    Destination[] next = java.util.Arrays.copyOf(tried, tried.length + 1);
    next[tried.length] = d;
    tried = next;
  }

  public int triedCount() {
    return tried.length;
  }

  boolean excludes(Destination d) {
    for (Destination t : tried) {
      if (t.sameServer(d)) {
        return true;
      }
    }
    return false;
  }

  /** The persistence template this connection counts on; the previous one (a failed attempt) is released. */
  public void holdTemplate(PersistenceTemplates store, PersistenceTemplate t) {
    connectionEnded();
    templates = store;
    template = t;
  }

  /**
   * The data plane calls this once the client connection is over (idempotent): a persistence template
   * starts its timeout when its last connection ends.
   */
  public void connectionEnded() {
    if (template != null) {
      templates.release(template);
      template = null;
      templates = null;
    }
  }

  /** The client's address folded to 32 bits as IPVS folds it (see {@link HashKeys#fold}); once per connection. */
  int clientFold() {
    if (!clientFolded) {
      clientFold = HashKeys.fold(client.getAddress());
      clientFolded = true;
    }
    return clientFold;
  }

  int clientPort() {
    return client.getPort();
  }

  /** The virtual service address the client reached: lblc, lblcr and dh's "destination IP". */
  InetAddress virtualHost() {
    return virtualAddress.getAddress();
  }

  int virtualFold() {
    if (!virtualFolded) {
      virtualFold = HashKeys.fold(virtualAddress.getAddress());
      virtualFolded = true;
    }
    return virtualFold;
  }
}
