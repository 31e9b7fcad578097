package io.vsd.services.model;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;

import io.vertx.core.json.JsonObject;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

/** Health settings: validation with pointers, the merge of a service's check with a server's, and edits. */
class HealthJsonTest {

  static VirtualService service(String json, List<Problem> problems) {
    return ServiceJson.parseService(new JsonObject(json), "", true, problems);
  }

  @Test
  void defaultsAndRoundTrip() {
    List<Problem> p = new ArrayList<>();
    VirtualService s = service("""
        {"address":"10.0.0.1:80","check":{"type":"http","path":"/health","interval":"1.5s","status":[200,"301-302"]},
         "onFailure":"inhibit","sorry":"10.0.0.9","quorum":{"weight":4,"hysteresis":1},"passive":false,
         "servers":[{"address":"10.0.0.2"},{"address":"10.0.0.3","check":{"interval":"500ms"}},
                    {"address":"10.0.0.4","check":{"type":"tcp","port":8081}},{"address":"10.0.0.5","check":{"type":"none"}}]}""", p);
    assertEquals(List.of(), p);
    ServiceHealth h = s.health();
    assertEquals(ServiceHealth.OnFailure.INHIBIT, h.onFailure());
    assertEquals("10.0.0.9:80", h.sorry().toString(), "the sorry server's port defaults to the service's");
    assertEquals(4, h.quorum());
    assertEquals(1, h.hysteresis());
    assertFalse(h.passive().enabled());

    CheckSpec first = CheckSpec.effective(h.check(), s.servers().get(0).check());
    assertEquals("http", first.type());
    assertEquals(Duration.ofMillis(1500), first.interval());
    assertEquals(Duration.ofMillis(375), first.fastInterval(), "interval / 4");
    assertEquals(Duration.ofMillis(1500), first.downInterval());
    assertEquals(Duration.ofSeconds(1), first.timeout());
    assertEquals(2, first.rise());
    assertEquals(3, first.fall());
    assertFalse(first.alpha());
    CheckSpec second = CheckSpec.effective(h.check(), s.servers().get(1).check());
    assertEquals("http", second.type());
    assertEquals("/health", second.params().getString("path"), "a check without a type keeps the service's");
    assertEquals(Duration.ofMillis(500), second.interval());
    CheckSpec third = CheckSpec.effective(h.check(), s.servers().get(2).check());
    assertEquals("tcp", third.type());
    assertEquals(Duration.ofMillis(1500), third.interval(), "a check with a type keeps the service's timing");
    assertEquals("10.0.0.4:8081", third.target(s.servers().get(2).endpoint()).toString());
    assertNull(CheckSpec.effective(h.check(), s.servers().get(3).check()));

    JsonObject json = ServiceJson.toJson(s);
    assertEquals("1500ms", json.getJsonObject("check").getString("interval"));
    assertEquals(new JsonObject().put("weight", 4).put("hysteresis", 1), json.getJsonObject("quorum"));
    assertEquals(Boolean.FALSE, json.getValue("passive"));
    assertEquals(s.health(), ServiceJson.fromJson(json).health(), "the state file reads back what it wrote");
    assertEquals(s.servers(), ServiceJson.fromJson(json).servers());
    assertFalse(ServiceJson.toJson(service("{\"address\":\"10.0.0.1:80\"}", p)).containsKey("check"),
        "nothing is written for a service without health settings");
  }

  @Test
  void aServerCheckWithoutAServiceCheckIsTcp() {
    List<Problem> p = new ArrayList<>();
    VirtualService s = service("{\"address\":\"10.0.0.1:80\",\"servers\":[{\"address\":\"10.0.0.2\",\"check\":{}}]}", p);
    assertEquals(List.of(), p);
    assertEquals("tcp", CheckSpec.effective(null, s.servers().getFirst().check()).type());
  }

  @Test
  void everyProblemHasItsPointer() {
    List<Problem> p = new ArrayList<>();
    service("""
        {"address":"10.0.0.1:80","check":{"type":"http","path":"health","status":["600"],"digest":"xyz",
          "interval":"5ms","rise":0,"jitter":2,"body":"(","expect":"x"},
         "onFailure":"drop","sorry":"nowhere","quorum":-1,"passive":{"failures":3,"windw":"1s"},
         "servers":[{"address":"10.0.0.2","check":{"path":"/x"}},{"address":"10.0.0.3","check":{"type":"dns"}},
                    {"address":"10.0.0.4","check":{"type":"smtp"}},{"address":"10.0.0.5","check":{"type":"exec","command":[]}}]}""", p);
    assertEquals(List.of(
        new Problem("/servers/0/check/path", "\"path\" needs the check's type too: a real server's check without a type only changes the timing and port of its service's check"),
        new Problem("/servers/1/check/query", "a dns check needs a name to query"),
        new Problem("/servers/2/check/type", "unknown check type \"smtp\"; known types: none, tcp, http, https, udp, dns, exec, agent"),
        new Problem("/servers/3/check/command", "command must be a string (run by /bin/sh -c) or a list of strings (program and arguments), got []"),
        new Problem("/check/expect", "unknown field \"expect\" for a http check; expected one of: alpha, body, digest, downInterval, fall, fastInterval, host, interval, jitter, path, port, rise, status, timeout, type"),
        new Problem("/check/interval", "interval must be at least 10ms, got \"5ms\""),
        new Problem("/check/rise", "rise must be an integer between 1 and 1000, got 0"),
        new Problem("/check/jitter", "jitter must be a fraction between 0 and 1, got 2"),
        new Problem("/check/path", "path must start with / and hold no spaces, got \"health\""),
        new Problem("/check/status/0", "status must be a code such as 200 or a range such as \"200-299\", got \"600\""),
        new Problem("/check/body", "body is not a valid regular expression: Unclosed group near index 1"),
        new Problem("/check/digest", "digest must be the MD5 of the body, 32 hex digits, got \"xyz\""),
        new Problem("/onFailure", "onFailure must be \"remove\" or \"inhibit\", got \"drop\""),
        new Problem("/sorry", "sorry server: malformed address \"nowhere\": expected an IPv4 address or a bracketed IPv6 address"),
        new Problem("/quorum", "quorum must be an integer between 0 and 2147483647, got -1"),
        new Problem("/passive/windw", "unknown field \"windw\"; expected one of: failures, window")), p);
  }

  @Test
  void editsKeepTheHealthFieldsTheyDoNotName() {
    List<Problem> p = new ArrayList<>();
    VirtualService current = service("{\"address\":\"10.0.0.1:80\",\"check\":{\"type\":\"tcp\"},\"sorry\":\"10.0.0.9:80\","
        + "\"servers\":[{\"address\":\"10.0.0.2\",\"check\":{\"interval\":\"1s\"}}]}", p);
    JsonObject body = new JsonObject("{\"address\":\"10.0.0.1:80\",\"scheduler\":\"rr\",\"sorry\":null}");
    VirtualService edit = ServiceJson.parseService(body, "", false, p);
    VirtualService kept = HealthJson.keepUnsaid(body, edit, current);
    assertEquals(current.health().check(), kept.health().check(), "vsadm -E does not drop the check");
    assertNull(kept.health().sorry(), "a field given as null goes back to its default");
    JsonObject serverBody = new JsonObject("{\"address\":\"10.0.0.2:80\",\"weight\":5}");
    RealServer server = ServiceJson.parseServer(serverBody, "", 80, p);
    assertEquals(current.servers().getFirst().check(), HealthJson.keepUnsaid(serverBody, server, current.servers().getFirst()).check());
    assertEquals(List.of(), p);
  }

  @Test
  void durations() {
    assertEquals(Duration.ofMillis(200), HealthJson.parseDuration("200ms"));
    assertEquals(Duration.ofMillis(1500), HealthJson.parseDuration("1.5s"));
    assertEquals(Duration.ofSeconds(2), HealthJson.parseDuration(2));
    assertEquals(Duration.ofMinutes(1), HealthJson.parseDuration("1m"));
    assertEquals("2s", HealthJson.formatDuration(Duration.ofSeconds(2)));
    assertEquals("250ms", HealthJson.formatDuration(Duration.ofMillis(250)));
  }
}
