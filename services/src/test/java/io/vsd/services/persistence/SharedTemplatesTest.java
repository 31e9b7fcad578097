package io.vsd.services.persistence;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.vsd.eventbus.cluster.SharedMap;
import io.vsd.services.model.Endpoint;
import io.vsd.services.model.Persistence;
import java.net.InetAddress;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;
import org.junit.jupiter.api.Test;

/** Templates shared between the directors of a cluster (docs/cluster.md), with a map in memory as the cluster's. */
class SharedTemplatesTest {
  final AtomicLong now = new AtomicLong(1_000_000);
  final Endpoint x = Endpoint.parse("10.0.0.1:80", 0);
  final Endpoint y = Endpoint.parse("10.0.0.2:80", 0);
  final Persistence p300 = new Persistence(300, "255.255.255.0");

  /** The cluster's map: entries with their expiry, and a count of writes. */
  static final class Shared implements SharedMap {
    final Map<String, String> values = new ConcurrentHashMap<>();
    final Map<String, Long> expiries = new ConcurrentHashMap<>();
    final AtomicInteger writes = new AtomicInteger();
    final AtomicLong clock;

    Shared(AtomicLong clock) {
      this.clock = clock;
    }

    @Override
    public String get(String key) {
      Long until = expiries.get(key);
      return until == null || until <= clock.get() ? null : values.get(key);
    }

    @Override
    public void put(String key, String value, long ttlMillis) {
      writes.incrementAndGet();
      values.put(key, value);
      expiries.put(key, clock.get() + ttlMillis);
    }

    @Override
    public AutoCloseable listen(java.util.function.BiConsumer<String, String> listener) {
      return () -> { };
    }
  }

  static InetAddress ip(String s) throws Exception {
    return InetAddress.getByName(s);
  }

  @Test
  void aTemplateMadeOnOneDirectorIsFoundOnAnother() throws Exception {
    Shared cluster = new Shared(now);
    PersistenceTemplates a = new PersistenceTemplates(p300, now::get, cluster, "tcp/10.0.0.9:80");
    PersistenceTemplates b = new PersistenceTemplates(p300, now::get, cluster, "tcp/10.0.0.9:80");
    a.bind(ip("192.0.2.10"), y);
    assertEquals(1, cluster.writes.get());
    PersistenceTemplate there = b.find(ip("192.0.2.77"));
    assertNotNull(there, "the same /24, on the other director");
    assertEquals(y, there.server());
    assertNull(b.find(ip("192.0.3.10")), "another /24");
    // Taken in: b holds it itself now, and counts it.
    assertEquals(Map.of(y, 1), b.countsByServer());
    b.acquire(there);
    assertEquals(1, cluster.writes.get(), "a fresh shared copy is not written again");
  }

  @Test
  void otherServicesAndOtherSettingsDoNotShare() throws Exception {
    Shared cluster = new Shared(now);
    new PersistenceTemplates(p300, now::get, cluster, "tcp/10.0.0.9:80").bind(ip("192.0.2.10"), y);
    assertNull(new PersistenceTemplates(p300, now::get, cluster, "tcp/10.0.0.9:443").find(ip("192.0.2.10")));
    assertNull(new PersistenceTemplates(new Persistence(60, "255.255.255.0"), now::get, cluster, "tcp/10.0.0.9:80")
        .find(ip("192.0.2.10")));
    assertNull(new PersistenceTemplates(new Persistence(300, "255.255.255.255"), now::get, cluster,
        "tcp/10.0.0.9:80").find(ip("192.0.2.10")));
  }

  @Test
  void aSharedTemplateExpiresWithItsTimeoutAndIsRefreshedWhileUsed() throws Exception {
    Shared cluster = new Shared(now);
    PersistenceTemplates a = new PersistenceTemplates(new Persistence(10, "255.255.255.255"), now::get, cluster,
        "tcp/10.0.0.9:80");
    PersistenceTemplate t = a.bind(ip("192.0.2.10"), x); // an open connection
    now.addAndGet(4_000);
    a.expire();
    assertEquals(1, cluster.writes.get(), "not yet half the timeout");
    now.addAndGet(1_000);
    a.expire();
    assertEquals(2, cluster.writes.get(), "half the timeout: the open connection keeps it shared");
    now.addAndGet(60_000);
    a.expire();
    assertTrue(cluster.writes.get() >= 3);
    a.release(t); // shared again now, for 10 s from the end of the last connection
    PersistenceTemplates b = new PersistenceTemplates(new Persistence(10, "255.255.255.255"), now::get, cluster,
        "tcp/10.0.0.9:80");
    now.addAndGet(9_000);
    assertNotNull(b.find(ip("192.0.2.10")));
    now.addAndGet(1_000);
    assertNull(b.find(ip("192.0.2.10")), "expired everywhere, timeout after its last use");
    assertNull(a.find(ip("192.0.2.10")));
  }

  @Test
  void ipv6ClientsShareByPrefix() throws Exception {
    Shared cluster = new Shared(now);
    Persistence p = new Persistence(300, "64");
    new PersistenceTemplates(p, now::get, cluster, "tcp/[2001:db8::9]:80").bind(ip("2001:db8:0:1::5"), y);
    PersistenceTemplates b = new PersistenceTemplates(p, now::get, cluster, "tcp/[2001:db8::9]:80");
    assertEquals(y, b.find(ip("2001:db8:0:1:ffff::9")).server());
    assertNull(b.find(ip("2001:db8:0:2::5")));
  }

  @Test
  void standaloneSharesNothing() throws Exception {
    PersistenceTemplates a = new PersistenceTemplates(p300, now::get);
    a.bind(ip("192.0.2.10"), y);
    assertNotNull(a.find(ip("192.0.2.10")));
  }
}
