package io.vsd.services.persistence;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertSame;

import io.vsd.services.model.Endpoint;
import io.vsd.services.model.Persistence;
import java.net.InetAddress;
import java.util.Map;
import java.util.concurrent.atomic.AtomicLong;
import org.junit.jupiter.api.Test;

class PersistenceTemplatesTest {
  final AtomicLong now = new AtomicLong(1_000_000);
  final Endpoint a = Endpoint.parse("10.0.0.1:80", 0);

  static InetAddress ip(String s) throws Exception {
    return InetAddress.getByName(s);
  }

  @Test
  void theNetmaskGroupsClients() throws Exception {
    PersistenceTemplates t = new PersistenceTemplates(new Persistence(300, "255.255.255.0"), now::get);
    PersistenceTemplate bound = t.bind(ip("192.0.2.10"), a);
    assertSame(bound, t.find(ip("192.0.2.200")), "same /24");
    assertNull(t.find(ip("192.0.3.10")), "another /24");
  }

  @Test
  void theHostMaskKeepsClientsApart() throws Exception {
    PersistenceTemplates t = new PersistenceTemplates(new Persistence(300, "255.255.255.255"), now::get);
    t.bind(ip("192.0.2.10"), a);
    assertNotNull(t.find(ip("192.0.2.10")));
    assertNull(t.find(ip("192.0.2.11")));
  }

  @Test
  void ipv6PrefixGroupsClients() throws Exception {
    PersistenceTemplates t = new PersistenceTemplates(new Persistence(300, "64"), now::get);
    t.bind(ip("2001:db8:0:1::5"), a);
    assertNotNull(t.find(ip("2001:db8:0:1:ffff::9")));
    assertNull(t.find(ip("2001:db8:0:2::5")));
    PersistenceTemplates t120 = new PersistenceTemplates(new Persistence(300, "120"), now::get);
    t120.bind(ip("2001:db8::1:0"), a);
    assertNotNull(t120.find(ip("2001:db8::1:ff")));
    assertNull(t120.find(ip("2001:db8::1:100")));
  }

  @Test
  void aTemplateExpiresTimeoutAfterItsLastConnectionEnds() throws Exception {
    PersistenceTemplates t = new PersistenceTemplates(new Persistence(10, "255.255.255.255"), now::get);
    PersistenceTemplate bound = t.bind(ip("192.0.2.10"), a); // one connection open
    now.addAndGet(3_600_000);
    assertSame(bound, t.find(ip("192.0.2.10")), "it controls an open connection: it does not expire");
    t.release(bound);
    now.addAndGet(9_999);
    assertSame(bound, t.find(ip("192.0.2.10")));
    assertEquals(Map.of(a, 1), t.countsByServer());
    now.addAndGet(1);
    assertNull(t.find(ip("192.0.2.10")), "10 s after the last connection ended");
    assertEquals(Map.of(), t.countsByServer());
    t.expire();
    assertNull(t.find(ip("192.0.2.10")));
  }
}
