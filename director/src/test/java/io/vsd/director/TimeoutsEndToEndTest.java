package io.vsd.director;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.vertx.core.json.JsonObject;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/**
 * ipvsadm --set / -L --timeout / -L -c against a real director, vsadm run as a process: the layouts character
 * for character, the API's refusals, the timeouts in the config file and across a restart (the state file).
 */
@Timeout(value = 120, unit = TimeUnit.SECONDS)
class TimeoutsEndToEndTest {
  @TempDir
  Path tmp;
  RunningDirector running;

  @AfterEach
  void stop() throws Exception {
    if (running != null) {
      running.close();
    }
  }

  record Result(int exit, String out, String err) {}

  Result vsadm(String... args) throws Exception {
    return vsadmWithInput("", args);
  }

  Result vsadmWithInput(String stdin, String... args) throws Exception {
    List<String> a = new ArrayList<>(List.of("--server", "http://127.0.0.1:" + running.director.adminPort()));
    a.addAll(List.of(args));
    ProcessBuilder pb = new ProcessBuilder(DirectorProcessTest.java("io.vsd.admin.vsadm.Vsadm", a.toArray(String[]::new)));
    pb.environment().putAll(TestTokens.vsadmEnv());
    Process p = pb.start();
    try (var in = p.getOutputStream()) {
      in.write(stdin.getBytes(StandardCharsets.UTF_8));
    }
    var out = p.getInputStream().readAllBytes();
    var err = p.getErrorStream().readAllBytes();
    assertTrue(p.waitFor(60, TimeUnit.SECONDS));
    return new Result(p.exitValue(), new String(out, StandardCharsets.UTF_8), new String(err, StandardCharsets.UTF_8));
  }

  JsonObject timeouts() throws Exception {
    AdminClient.Response r = running.admin.get("/api/v1/timeouts");
    assertEquals(200, r.status(), r.body());
    return r.json();
  }

  static String values(JsonObject t) {
    return t.getInteger("tcp") + " " + t.getInteger("tcpfin") + " " + t.getInteger("udp");
  }

  @Test
  void setAndListTimeoutsSurviveARestart() throws Exception {
    Path config = RunningDirector.writeConfig(tmp, "services: []");
    running = RunningDirector.start(config);
    assertEquals(new Result(0, "Timeout (tcp tcpfin udp): 900 120 300\n", ""), vsadm("-L", "--timeout"));
    // 0 leaves a value as it is, as in ipvsadm.
    assertEquals(new Result(0, "", ""), vsadm("--set", "60", "0", "30"));
    assertEquals(new Result(0, "Timeout (tcp tcpfin udp): 60 120 30\n", ""), vsadm("-L", "--timeout"));
    assertEquals(new Result(2, "", "vsadm: invalid timeout value `-5' specified\n"), vsadm("--set", "-5", "0", "0"));

    running.close();
    running = RunningDirector.start(config);
    assertEquals(new Result(0, "Timeout (tcp tcpfin udp): 60 120 30\n", ""), vsadm("-l", "--timeout"));
  }

  @Test
  void aRestoreFileMaySetTheTimeoutsAllOrNothingAndSaveLeavesThemOutAsIpvsadmDoes() throws Exception {
    running = RunningDirector.start(tmp, "services: []");
    int vport = RunningDirector.freePort();
    assertEquals(new Result(2, "", "vsadm: line 2: --set option requires 3 timeout values\n"),
        vsadmWithInput("-A -t 127.0.0.1:%d -s rr\n--set 100 0\n".formatted(vport), "-R"));
    assertEquals(new Result(0, "Timeout (tcp tcpfin udp): 900 120 300\n", ""), vsadm("-L", "--timeout"));
    assertEquals(new Result(0, "", ""),
        vsadmWithInput("-A -t 127.0.0.1:%d -s rr\nipvsadm --set 100 0 7\n".formatted(vport), "-R"));
    assertEquals(new Result(0, "Timeout (tcp tcpfin udp): 100 120 7\n", ""), vsadm("-L", "--timeout"));
    assertEquals(new Result(0, "-A -t 127.0.0.1:%d -s rr\n".formatted(vport), ""), vsadm("-S", "-n"));
  }

  @Test
  void theConfigFileSetsTheTimeoutsAndABadOneIsRefused() throws Exception {
    Path config = RunningDirector.writeConfig(tmp, """
        timeouts:
          tcp: 3600
          udp: 60
        """);
    running = RunningDirector.start(config);
    assertEquals("3600 120 60", values(timeouts()));
    running.close();
    running = null;

    Path bad = RunningDirector.writeConfig(tmp, """
        timeouts:
          tcp: -1
          tcpfin: 0
          udp: 1.5
          tcp_fin: 3
        """);
    io.vsd.director.config.ConfigException e = org.junit.jupiter.api.Assertions.assertThrows(
        io.vsd.director.config.ConfigException.class, () -> io.vsd.director.config.ConfigLoader.load(bad));
    assertEquals(4, e.errors().size(), e.getMessage());
    List<String> pointers = e.errors().stream().map(io.vsd.director.config.ConfigError::pointer).toList();
    for (String field : List.of("tcp", "tcpfin", "udp", "tcp_fin")) {
      assertTrue(pointers.stream().anyMatch(p -> p.endsWith(field) && p.contains("timeouts")),
          "no error about " + field + " in: " + e.getMessage());
    }
  }

  @Test
  void badTimeoutsAreRefusedWithProblemJsonAndChangeNothing() throws Exception {
    running = RunningDirector.start(tmp, "services: []");
    String before = values(timeouts());
    for (String body : List.of("{\"tcp\": -1}", "{\"tcp\": 1.5}", "{\"tcp\": \"900\"}", "{\"tcp\": 2678401}",
        "{\"tcpfin\": null, \"bogus\": 1}", "{\"udp\": true}", "[900, 120, 300]", "not json")) {
      AdminClient.Response r = running.admin.put("/api/v1/timeouts", body);
      assertEquals(400, r.status(), body + " -> " + r.body());
      assertEquals("application/problem+json", r.contentType(), body);
      assertTrue(r.json().getString("detail") != null && !r.json().getString("detail").isBlank(), r.body());
      assertEquals(before, values(timeouts()), body + " changed the timeouts");
    }
    AdminClient.Response neg = running.admin.put("/api/v1/timeouts", "{\"tcp\": -1, \"udp\": 2678401}");
    assertEquals(2, neg.json().getJsonArray("errors").size(), "every problem is named: " + neg.body());
    // And a good one: the reply is the timeouts in force, the ETag the version that set them.
    AdminClient.Response ok = running.admin.put("/api/v1/timeouts", "{\"tcp\": 2678400}");
    assertEquals(200, ok.status(), ok.body());
    assertEquals("2678400 120 300", values(ok.json()));
    assertEquals("2678400 120 300", values(timeouts()));
  }

  @Test
  void badConnectionListQueriesAreRefused() throws Exception {
    running = RunningDirector.start(tmp, "services: []");
    for (String query : List.of("limit=0", "limit=abc", "limit=100001", "limit=-1", "bogus=1")) {
      AdminClient.Response r = running.admin.get("/api/v1/connections?" + query);
      assertEquals(400, r.status(), query + " -> " + r.body());
      assertEquals("application/problem+json", r.contentType(), query);
    }
    AdminClient.Response unknown = running.admin.get("/api/v1/connections?service=tcp/127.0.0.1:1");
    assertEquals(404, unknown.status(), unknown.body());
    AdminClient.Response empty = running.admin.get("/api/v1/connections");
    assertEquals(200, empty.status());
    assertEquals(0, empty.json().getLong("total"));
  }

  @Test
  void theConnectionListIsIpvsadmsLayout() throws Exception {
    try (TestBackend backend = new TestBackend("A")) {
      int vport = RunningDirector.freePort();
      running = RunningDirector.start(tmp, """
          services:
            - address: 127.0.0.1:%d
              scheduler: rr
              servers:
                - address: %s
          """.formatted(vport, backend.address()));
      assertEquals(new Result(0, """
          IPVS connection entries
          pro expire state       source             virtual            destination
          """, ""), vsadm("-L", "-n", "-c"));
      try (TestClient client = new TestClient("127.0.0.1", vport)) {
        assertEquals("A", client.greeting());
        Result listed = vsadm("-Lnc");
        String source = "127.0.0.1:" + client.socket.getLocalPort();
        String[] lines = listed.out().split("\n", -1);
        assertEquals(4, lines.length, listed.out());
        assertEquals("IPVS connection entries", lines[0]);
        assertEquals("pro expire state       source             virtual            destination", lines[1]);
        // The expire column counts down from tcp (15:00) while the connection idles: a few seconds may pass.
        String expire = lines[2].substring(4, 9);
        assertTrue(expire.compareTo("14:45") >= 0 && expire.compareTo("15:00") <= 0, lines[2]);
        assertEquals("TCP " + expire + "  ESTABLISHED " + pad(source) + " " + pad("127.0.0.1:" + vport) + " "
            + backend.address(), lines[2]);
        assertEquals("", lines[3]);
        assertEquals("", listed.err());

        // --persistent-conn widens the title; vsd has no persistence engine, so the rows stay as they are.
        Result wide = vsadm("-L", "-n", "-c", "--persistent-conn");
        assertEquals("pro expire state       source             virtual            destination        pe name          pe_data",
            wide.out().split("\n")[1]);
        assertEquals("API: " + running.admin.get("/api/v1/connections?limit=1").json().getLong("total"), "API: 1");
      }
    }
  }

  @Test
  void persistenceTemplatesAreListedAsIpvsadmListsThem() throws Exception {
    try (TestBackend backend = new TestBackend("A")) {
      int vport = RunningDirector.freePort();
      running = RunningDirector.start(tmp, """
          services:
            - address: 127.0.0.1:%d
              scheduler: rr
              persistence: {timeout: 600, netmask: 255.255.255.0}
              servers:
                - address: %s
          """.formatted(vport, backend.address()));
      try (TestClient client = new TestClient("127.0.0.1", vport)) {
        assertEquals("A", client.greeting());
        Result listed = vsadm("-Lnc");
        String[] lines = listed.out().split("\n");
        assertEquals(4, lines.length, listed.out());
        // IPVS keeps its templates among the connections: state NONE, the masked client with port 0, and the whole
        // timeout left while the template controls an open connection. Sorted by source, the template comes first.
        assertEquals("TCP 10:00  NONE        " + pad("127.0.0.0:0") + " " + pad("127.0.0.1:" + vport) + " "
            + backend.address(), lines[2]);
        assertTrue(lines[3].startsWith("TCP ") && lines[3].contains(" ESTABLISHED 127.0.0.1:"), lines[3]);
      }
    }
  }

  private static String pad(String s) {
    StringBuilder b = new StringBuilder(s);
    while (b.length() < 18) {
      b.append(' ');
    }
    return b.toString();
  }
}
