package io.vsd.services.persistence;

import io.vsd.services.model.Endpoint;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * IPVS's persistence template: a masked client pinned to one real server. It lives while it controls open
 * connections, and for the service's timeout after the last of them ends.
 */
public final class PersistenceTemplate {
  private final ClientKey client;
  private final Endpoint server;
  private final AtomicInteger connections = new AtomicInteger();
  private volatile long lastUsedMillis;
  /** When this template was last written to the cluster's shared templates (clustered directors only). */
  private volatile long sharedMillis = Long.MIN_VALUE / 2;

  PersistenceTemplate(ClientKey client, Endpoint server, long now) {
    this.client = client;
    this.server = server;
    this.lastUsedMillis = now;
  }

  ClientKey client() {
    return client;
  }

  /** The real server the client sticks to. */
  public Endpoint server() {
    return server;
  }

  void acquire(long now) {
    connections.incrementAndGet();
    lastUsedMillis = now;
  }

  /** A connection this template controls has ended: the timeout starts again from now. */
  void release(long now) {
    lastUsedMillis = now;
    connections.decrementAndGet();
  }

  int connections() {
    return connections.get();
  }

  long lastUsed() {
    return lastUsedMillis;
  }

  long shared() {
    return sharedMillis;
  }

  void shared(long now) {
    sharedMillis = now;
  }

  boolean live(long now, long timeoutMillis) {
    return connections.get() > 0 || now - lastUsedMillis < timeoutMillis;
  }
}
