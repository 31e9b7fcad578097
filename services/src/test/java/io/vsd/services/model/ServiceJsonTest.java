package io.vsd.services.model;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;

import io.vertx.core.json.JsonObject;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

class ServiceJsonTest {

  private static List<Problem> problems(String json) {
    List<Problem> problems = new ArrayList<>();
    VirtualService s = ServiceJson.parseService(new JsonObject(json), "", true, problems);
    if (problems.isEmpty()) {
      assertNotNull(s);
    } else {
      assertNull(s);
    }
    return problems;
  }

  @Test
  void defaultsAreIpvsadms() {
    List<Problem> p = new ArrayList<>();
    VirtualService s = ServiceJson.parseService(new JsonObject("""
        {"address":"10.0.0.1:80","servers":[{"address":"10.0.0.2"}]}"""), "", true, p);
    assertEquals(List.of(), p);
    assertEquals(Protocol.TCP, s.key().protocol());
    assertEquals("wlc", s.scheduler());
    assertNull(s.persistence());
    RealServer r = s.servers().getFirst();
    assertEquals("10.0.0.2:80", r.endpoint().toString(), "the port defaults to the service's");
    assertEquals(1, r.weight());
    assertEquals(ForwardingMethod.MASQ, r.forward());
  }

  @Test
  void everyProblemIsReportedWithItsPointer() {
    List<Problem> p = problems("""
        {"address":"10.0.0.1:70000","scheduler":"fast","servers":[
          {"address":"10.0.0.2:80","weight":65536},
          {"address":"10.0.0.300:80"},
          {"address":"10.0.0.4:80","forward":"route"},
          {"address":"10.0.0.5:80","weight":1.5},
          {"address":"10.0.0.6:80","wieght":2}]}""");
    assertEquals(List.of(
        new Problem("/address", "port must be between 1 and 65535, got 70000"),
        new Problem("/scheduler", "unknown scheduler \"fast\"; known schedulers: rr, wrr, lc, wlc, lblc, lblcr, dh, sh, sed, nq, fo, ovf, mh, twos, chb"),
        new Problem("/servers/0/weight", "weight must be an integer between 0 and 65535, got 65536"),
        new Problem("/servers/1/address", "malformed address \"10.0.0.300:80\": expected an IPv4 address or a bracketed IPv6 address"),
        new Problem("/servers/2/forward", "forwarding method route (-g) is not available yet: vsd forwards by masquerading (masq, -m)"),
        new Problem("/servers/3/weight", "weight must be an integer between 0 and 65535, got 1.5"),
        new Problem("/servers/4/wieght", "unknown field \"wieght\"; expected one of: address, check, forward, lower, upper, weight")), p);
  }

  @Test
  void duplicateRealServersAreRefused() {
    assertEquals(List.of(new Problem("/servers/1/address", "duplicate real server 10.0.0.2:80")),
        problems("{\"address\":\"10.0.0.1:80\",\"servers\":[{\"address\":\"10.0.0.2:80\"},{\"address\":\"10.0.0.2\"}]}"));
  }

  @Test
  void ipv6UsesBracketsAndPrefixNetmasks() {
    List<Problem> p = new ArrayList<>();
    VirtualService s = ServiceJson.parseService(new JsonObject("""
        {"address":"[2001:DB8:0:0::1]:443","persistence":{"timeout":600,"netmask":"64"},
         "servers":[{"address":"[2001:db8::2]:8443"},{"address":"192.0.2.7:8443"}]}"""), "", true, p);
    assertEquals(List.of(), p);
    assertEquals("tcp/[2001:db8::1]:443", s.key().toString());
    assertEquals(new Persistence(600, "64"), s.persistence());
    assertEquals(List.of(new Problem("/address",
            "malformed address \"2001:db8::1:443\": write IPv6 addresses in brackets, as in [2001:db8::1]:80")),
        problems("{\"address\":\"2001:db8::1:443\"}"));
  }

  @Test
  void netmasksMustBeContiguous() {
    assertEquals(1, problems("{\"address\":\"10.0.0.1:80\",\"persistence\":{\"netmask\":\"255.0.255.0\"}}").size());
    assertEquals(0, problems("{\"address\":\"10.0.0.1:80\",\"persistence\":{\"netmask\":\"255.255.240.0\"}}").size());
  }

  @Test
  void opsIsForUdpOnly() {
    assertEquals(List.of(new Problem("/ops", "one-packet scheduling (-o) applies to UDP services only")),
        problems("{\"address\":\"10.0.0.1:53\",\"ops\":true}"));
    assertEquals(List.of(), problems("{\"protocol\":\"udp\",\"address\":\"10.0.0.1:53\",\"ops\":true}"));
  }

  @Test
  void flagsAreCheckedAgainstTheScheduler() {
    assertEquals(List.of(new Problem("/flags/0", "unknown flag \"sh-port\" for scheduler rr, which takes no flags")),
        problems("{\"address\":\"10.0.0.1:80\",\"scheduler\":\"rr\",\"flags\":[\"sh-port\"]}"));
  }

  @Test
  void endpointParsing() {
    assertEquals("10.1.2.3:8080", Endpoint.parse("10.1.2.3:8080", 0).toString());
    assertEquals("[::1]:80", Endpoint.parse("[::1]:80", 0).toString());
    assertThrows(IllegalArgumentException.class, () -> Endpoint.parse("example.com:80", 0));
    assertThrows(IllegalArgumentException.class, () -> Endpoint.parse("10.0.0.1:0", 0));
    assertThrows(IllegalArgumentException.class, () -> Endpoint.parse("10.0.0.1", 0));
    assertThrows(IllegalArgumentException.class, () -> Endpoint.parse("[10.0.0.1]:80", 0));
    assertThrows(IllegalArgumentException.class, () -> Endpoint.parse("[::1:80", 0));
  }

  @Test
  void shAndMhTakeTheirFlags() {
    assertEquals(List.of(), problems("{\"address\":\"10.0.0.1:80\",\"scheduler\":\"sh\",\"flags\":[\"sh-fallback\",\"sh-port\"]}"));
    assertEquals(List.of(), problems("{\"address\":\"10.0.0.1:80\",\"scheduler\":\"mh\",\"flags\":[\"mh-fallback\",\"mh-port\"]}"));
    assertEquals(List.of(new Problem("/flags/0", "unknown flag \"sh-port\" for scheduler mh; it takes: mh-fallback, mh-port")),
        problems("{\"address\":\"10.0.0.1:80\",\"scheduler\":\"mh\",\"flags\":[\"sh-port\"]}"));
  }

  @Test
  void mhTableSizeIsAPrimeInTheKernelsRange() {
    List<Problem> p = new ArrayList<>();
    VirtualService s = ServiceJson.parseService(new JsonObject(
        "{\"address\":\"10.0.0.1:80\",\"scheduler\":\"mh\",\"mhTableSize\":65537}"), "", true, p);
    assertEquals(List.of(), p);
    assertEquals(65537, s.mhTableSize());
    assertEquals(65537, ServiceJson.fromJson(ServiceJson.toJson(s)).mhTableSize(), "kept by the state file");
    assertEquals(4093, ServiceJson.fromJson(new JsonObject("{\"address\":\"10.0.0.1:80\",\"scheduler\":\"mh\"}")).mhTableSize());
    assertEquals(List.of(new Problem("/mhTableSize", "mhTableSize must be a prime number, got 4096; the kernel's sizes are "
            + "251, 509, 1021, 2039, 4093, 8191, 16381, 32749, 65521 and 131071")),
        problems("{\"address\":\"10.0.0.1:80\",\"scheduler\":\"mh\",\"mhTableSize\":4096}"));
    assertEquals(List.of(new Problem("/mhTableSize", "mhTableSize must be an integer between 251 and 131071, got 131101")),
        problems("{\"address\":\"10.0.0.1:80\",\"scheduler\":\"chb\",\"mhTableSize\":131101}"));
    assertEquals(List.of(new Problem("/mhTableSize", "mhTableSize applies to the mh and chb schedulers only, not to wrr")),
        problems("{\"address\":\"10.0.0.1:80\",\"scheduler\":\"wrr\",\"mhTableSize\":4093}"));
    assertEquals(List.of(new Problem("/mhTableSize", "mhTableSize applies to the mh and chb schedulers only, not to wlc")),
        problems("{\"address\":\"10.0.0.1:80\",\"mhTableSize\":4093}"), "wlc by default");
    assertEquals(1, problems("{\"address\":\"10.0.0.1:80\",\"scheduler\":\"maglev\",\"mhTableSize\":4093}").size(),
        "an unknown scheduler is the one problem");
  }

  @Test
  void hashBalanceFactorIsAPercentageOf100OrMore() {
    List<Problem> p = new ArrayList<>();
    VirtualService s = ServiceJson.parseService(new JsonObject(
        "{\"address\":\"10.0.0.1:80\",\"scheduler\":\"chb\",\"hashBalanceFactor\":150}"), "", true, p);
    assertEquals(List.of(), p);
    assertEquals(150, s.hashBalanceFactor());
    JsonObject json = ServiceJson.toJson(s);
    assertEquals(150, json.getInteger("hashBalanceFactor"));
    assertEquals(4093, json.getInteger("mhTableSize"));
    assertNull(ServiceJson.toJson(ServiceJson.fromJson(new JsonObject("{\"address\":\"10.0.0.1:80\"}"))).getValue("hashBalanceFactor"),
        "only the schedulers that read a field show it");
    assertEquals(List.of(new Problem("/hashBalanceFactor",
            "hashBalanceFactor (percent of the average load) must be an integer between 100 and 65535, got 99")),
        problems("{\"address\":\"10.0.0.1:80\",\"scheduler\":\"chb\",\"hashBalanceFactor\":99}"));
    assertEquals(List.of(new Problem("/hashBalanceFactor", "hashBalanceFactor applies to the chb scheduler only, not to mh")),
        problems("{\"address\":\"10.0.0.1:80\",\"scheduler\":\"mh\",\"hashBalanceFactor\":125}"));
  }
}
