package io.vsd.services.routing;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertSame;

import io.vsd.services.model.Endpoint;
import io.vsd.services.model.ForwardingMethod;
import io.vsd.services.model.Persistence;
import io.vsd.services.model.Protocol;
import io.vsd.services.model.RealServer;
import io.vsd.services.model.ServiceKey;
import io.vsd.services.model.VirtualService;
import io.vsd.services.persistence.PersistenceTemplates;
import io.vsd.services.scheduler.ConnectionCounts;
import io.vsd.services.scheduler.Destination;
import io.vsd.services.scheduler.PickContext;
import io.vsd.services.scheduler.SchedulerConfig;
import io.vsd.services.scheduler.Schedulers;
import java.net.InetSocketAddress;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.concurrent.atomic.AtomicLong;
import org.junit.jupiter.api.Test;

/** IPVS's template rules (ip_vs_sched_persist) as seen through a route's pick. */
class ServiceRoutePersistenceTest {
  final AtomicLong now = new AtomicLong(1_000);
  final ConnectionCounts countsA = new ConnectionCounts();
  final ConnectionCounts countsB = new ConnectionCounts();

  ServiceRoute route(Persistence p, PersistenceTemplates templates, int weightA, int weightB) {
    List<RealServer> servers = List.of(
        new RealServer(Endpoint.parse("10.0.0.1:80", 0), ForwardingMethod.MASQ, weightA, 0, 0),
        new RealServer(Endpoint.parse("10.0.0.2:80", 0), ForwardingMethod.MASQ, weightB, 0, 0));
    VirtualService s = new VirtualService(new ServiceKey(Protocol.TCP, Endpoint.parse("10.0.0.100:80", 0)), "rr",
        List.of(), p, false, servers, 1);
    List<Destination> ds = new ArrayList<>();
    ds.add(new Destination(servers.get(0), weightA, countsA));
    ds.add(new Destination(servers.get(1), weightB, countsB));
    return new ServiceRoute(s, ds, Schedulers.create("rr", ds, SchedulerConfig.DEFAULT), templates);
  }

  static PickContext client(String ip) {
    return new PickContext(new InetSocketAddress(ip, 40000), new InetSocketAddress("10.0.0.100", 80));
  }

  String pick(ServiceRoute r, String ip) {
    PickContext c = client(ip);
    Destination d = r.pick(c);
    c.connectionEnded();
    return d == null ? null : d.server().endpoint().host();
  }

  @Test
  void aClientStaysWithItsServer() {
    Persistence p = new Persistence(300, "255.255.255.255");
    ServiceRoute r = route(p, new PersistenceTemplates(p, now::get), 1, 1);
    assertEquals("10.0.0.1", pick(r, "192.0.2.1"));
    assertEquals("10.0.0.2", pick(r, "192.0.2.2"), "rr moves on for a new client");
    for (int i = 0; i < 5; i++) {
      assertEquals("10.0.0.1", pick(r, "192.0.2.1"));
      assertEquals("10.0.0.2", pick(r, "192.0.2.2"));
    }
  }

  @Test
  void aQuiescentServerKeepsItsStickyClientsUnlessTheServiceExpiresThem() {
    Persistence keep = new Persistence(300, "255.255.255.255");
    PersistenceTemplates templates = new PersistenceTemplates(keep, now::get);
    assertEquals("10.0.0.1", pick(route(keep, templates, 1, 1), "192.0.2.1"));
    ServiceRoute quiesced = route(keep, templates, 0, 1);
    assertEquals("10.0.0.1", pick(quiesced, "192.0.2.1"), "weight 0 keeps sticky clients");
    assertEquals("10.0.0.2", pick(quiesced, "192.0.2.9"), "but takes no new ones");

    Persistence expire = new Persistence(300, "255.255.255.255", true);
    PersistenceTemplates t2 = new PersistenceTemplates(expire, now::get);
    assertEquals("10.0.0.1", pick(route(expire, t2, 1, 1), "192.0.2.1"));
    assertEquals("10.0.0.2", pick(route(expire, t2, 0, 1), "192.0.2.1"), "expire quiescent templates");
  }

  @Test
  void aClientIsRescheduledWhenItsServerIsGoneOrFailsToConnect() {
    Persistence p = new Persistence(300, "255.255.255.255");
    PersistenceTemplates templates = new PersistenceTemplates(p, now::get);
    ServiceRoute r = route(p, templates, 1, 1);
    assertEquals("10.0.0.1", pick(r, "192.0.2.1"));
    // A failed connect: the data plane excludes the server and picks again for the same connection.
    PickContext c = client("192.0.2.1");
    Destination first = r.pick(c);
    assertEquals("10.0.0.1", first.server().endpoint().host());
    c.tried(first);
    Destination second = r.pick(c);
    assertNotEquals(first, second);
    c.connectionEnded();
    assertEquals("10.0.0.2", pick(r, "192.0.2.1"), "the new template pins the client to the server that worked");
  }

  @Test
  void templateTimeoutRunsFromTheLastConnection() {
    Persistence p = new Persistence(60, "255.255.255.255");
    PersistenceTemplates templates = new PersistenceTemplates(p, now::get);
    ServiceRoute r = route(p, templates, 1, 1);
    PickContext open = client("192.0.2.1");
    Destination d = r.pick(open);
    now.addAndGet(3_600_000);
    PickContext second = client("192.0.2.1");
    assertSame(d, r.pick(second), "an open connection keeps the template alive");
    second.connectionEnded();
    open.connectionEnded();
    now.addAndGet(61_000);
    assertEquals("10.0.0.2", pick(r, "192.0.2.1"), "expired: scheduled afresh (rr moved on)");
  }
}
