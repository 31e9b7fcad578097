package io.vsd.dataplane;

import io.netty.channel.EventLoop;
import java.util.concurrent.TimeUnit;

/**
 * The sessions of one event loop, over all UDP listeners on it, in the order they were last used: the least
 * recently used first. One timeout applies to every session, so that order is also the order in which they
 * expire, and a sweep stops at the first one still live. Confined to its event loop: no locks.
 */
final class UdpSessionTable {
  /** A sweep runs at least this often, and at least 4 times per timeout, so a session outlives it by at most 1/4. */
  private static final long MAX_SWEEP_NANOS = TimeUnit.SECONDS.toNanos(1);
  private static final long MIN_SWEEP_NANOS = TimeUnit.MILLISECONDS.toNanos(5);

  private final EventLoop loop;
  private final UdpForwarding forwarding;
  private UdpSession head;
  private UdpSession tail;
  private boolean stopped;

  UdpSessionTable(EventLoop loop, UdpForwarding forwarding) {
    this.loop = loop;
    this.forwarding = forwarding;
    loop.execute(this::sweep);
  }

  EventLoop loop() {
    return loop;
  }

  /** A new session, the most recently used. */
  void add(UdpSession s) {
    s.lastUsed = System.nanoTime();
    link(s);
  }

  /** {@code s} was used now: it moves to the end. */
  void touch(UdpSession s) {
    s.lastUsed = System.nanoTime();
    if (s != tail) {
      unlink(s);
      link(s);
    }
  }

  void remove(UdpSession s) {
    unlink(s);
  }

  /** Closes the least recently used session to make room; false when this loop has none. */
  boolean evictOldest() {
    UdpSession oldest = head;
    if (oldest == null) {
      return false;
    }
    forwarding.evicted();
    oldest.listener().evicted();
    oldest.close();
    return true;
  }

  /**
   * vsadm -L -c: at most {@code limit} rows of {@code service}'s sessions (null: every service), added to
   * {@code rows}; returns how many sessions matched. On the event loop.
   */
  int list(io.vsd.services.model.ServiceKey service, int limit, java.util.List<io.vertx.core.json.JsonObject> rows) {
    long now = System.nanoTime();
    long timeout = forwarding.timeoutNanos();
    int matched = 0;
    for (UdpSession s = head; s != null; s = s.next) {
      if (service != null && !service.equals(s.listener().key())) {
        continue;
      }
      matched++;
      if (rows.size() < limit) {
        long leftMs = Math.max(0, timeout - (now - s.lastUsed)) / 1_000_000;
        rows.add(s.row((leftMs + 999) / 1000)); // whole seconds, rounded up, as the TCP rows
      }
    }
    return matched;
  }

  /** Closes every session and stops sweeping. */
  void stop() {
    stopped = true;
    while (head != null) {
      head.close();
    }
  }

  private void sweep() {
    if (stopped) {
      return;
    }
    long timeout = forwarding.timeoutNanos();
    long now = System.nanoTime();
    while (head != null && now - head.lastUsed >= timeout) {
      head.close();
    }
    loop.schedule(this::sweep, Math.max(MIN_SWEEP_NANOS, Math.min(MAX_SWEEP_NANOS, timeout / 4)), TimeUnit.NANOSECONDS);
  }

  private void link(UdpSession s) {
    s.prev = tail;
    s.next = null;
    if (tail == null) {
      head = s;
    } else {
      tail.next = s;
    }
    tail = s;
  }

  private void unlink(UdpSession s) {
    if (s.prev == null) {
      if (head == s) {
        head = s.next;
      }
    } else {
      s.prev.next = s.next;
    }
    if (s.next == null) {
      if (tail == s) {
        tail = s.prev;
      }
    } else {
      s.next.prev = s.prev;
    }
    s.prev = null;
    s.next = null;
  }
}
