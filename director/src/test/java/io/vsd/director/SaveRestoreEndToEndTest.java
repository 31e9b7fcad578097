package io.vsd.director;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/**
 * vsadm -S and -R against a real director, vsadm run as a process: a save, clear and restore round trip, a file
 * written by hand in ipvsadm-save's format, and restores that change nothing because one line or one operation
 * is bad.
 */
@Timeout(value = 120, unit = TimeUnit.SECONDS)
class SaveRestoreEndToEndTest {
  @TempDir
  Path tmp;
  RunningDirector running;
  int vport;

  @BeforeEach
  void start() throws Exception {
    vport = RunningDirector.freePort();
    running = RunningDirector.start(tmp, """
        services:
          - address: 127.0.0.1:%d
            scheduler: wrr
            persistence: {timeout: 600, netmask: 255.255.255.0}
            servers:
              - address: 127.0.0.1:9
                weight: 3
              - address: 127.0.0.2:9
        """.formatted(vport));
  }

  @AfterEach
  void stop() throws Exception {
    running.close();
  }

  record Result(int exit, String out, String err) {}

  Result vsadm(String stdin, String... args) throws Exception {
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

  JsonArray services() throws Exception {
    return running.admin.get("/api/v1/services").json().getJsonArray("services");
  }

  @Test
  void saveClearRestoreRoundTrip() throws Exception {
    Result saved = vsadm("", "-S", "-n");
    assertEquals(new Result(0, """
        -A -t 127.0.0.1:%1$d -s wrr -p 600 -M 255.255.255.0
        -a -t 127.0.0.1:%1$d -r 127.0.0.1:9 -m -w 3
        -a -t 127.0.0.1:%1$d -r 127.0.0.2:9 -m -w 1
        """.formatted(vport), ""), saved);
    assertEquals(0, vsadm("", "-C").exit());
    assertEquals(0, services().size());
    assertEquals(new Result(0, "", ""), vsadm(saved.out(), "-R"));
    assertEquals(saved, vsadm("", "-S", "-n"));
    assertEquals("listening", services().getJsonObject(0).getString("listener"));
  }

  @Test
  void aHandWrittenIpvsadmSaveFileRestores() throws Exception {
    int other = RunningDirector.freePort();
    String file = """
        # written by hand, as ipvsadm-save writes it
        -C
        ipvsadm -A -t 127.0.0.1:%1$d -s rr
        -a -t 127.0.0.1:%1$d -r 127.0.0.3:80 -m -w 1
        -a -t 127.0.0.1:%1$d -r 127.0.0.4 -m -w 5

        -A -u 127.0.0.1:%1$d -s wlc -p 300 -o
        -a -u 127.0.0.1:%1$d -r 127.0.0.5:53 -m -w 2
        """.formatted(other);
    assertEquals(new Result(0, "", ""), vsadm(file, "-R"));
    assertEquals(new Result(0, """
        -A -t 127.0.0.1:%1$d -s rr
        -a -t 127.0.0.1:%1$d -r 127.0.0.3:80 -m -w 1
        -a -t 127.0.0.1:%1$d -r 127.0.0.4:%1$d -m -w 5
        -A -u 127.0.0.1:%1$d -s wlc -p 300 -o
        -a -u 127.0.0.1:%1$d -r 127.0.0.5:53 -m -w 2
        """.formatted(other), ""), vsadm("", "-S", "-n"));
  }

  @Test
  void aFileWithABadLineChangesNothingAndNamesTheLine() throws Exception {
    JsonObject before = running.admin.get("/api/v1/services").json();
    Result r = vsadm("""
        -C
        -A -t 127.0.0.1:18500 -s rr
        -a -t 127.0.0.1:18500 -r 127.0.0.3:80 -w 99999
        """, "-R");
    assertEquals(new Result(2, "", "vsadm: line 3: illegal weight specified: 99999\n"), r);
    assertEquals(before, running.admin.get("/api/v1/services").json());
  }

  @Test
  void aRestoreTheDirectorRefusesChangesNothingAndNamesTheLine() throws Exception {
    JsonObject before = running.admin.get("/api/v1/services").json();
    // The third change adds a service that exists: the clear and the add before it are not made either.
    Result r = vsadm("""
        -D -t 127.0.0.1:%1$d
        -A -t 127.0.0.1:18501 -s rr
        # a comment
        -A -t 127.0.0.1:18501 -s wlc
        """.formatted(vport), "-R");
    assertEquals(new Result(1, "", "vsadm: operation 3 (line 4): virtual service tcp/127.0.0.1:18501 already exists\n"), r);
    assertEquals(before, running.admin.get("/api/v1/services").json());
  }

  @Test
  void aBatchWhoseThirdOperationConflictsChangesNothing() throws Exception {
    JsonObject before = running.admin.get("/api/v1/services").json();
    AdminClient.Response r = running.admin.post("/api/v1/batch", new JsonObject().put("operations", new JsonArray()
        .add(new JsonObject().put("action", "clear"))
        .add(new JsonObject().put("action", "add-service").put("body", new JsonObject().put("address", "127.0.0.1:18502")))
        .add(new JsonObject().put("action", "add-server").put("service", "tcp/127.0.0.1:18502")
            .put("body", new JsonObject().put("address", "127.0.0.1:1")))
        .add(new JsonObject().put("action", "add-server").put("service", "tcp/127.0.0.1:18502")
            .put("body", new JsonObject().put("address", "127.0.0.1:1")))).encode());
    assertEquals(409, r.status(), r.body());
    assertEquals("operation 4: real server 127.0.0.1:1 already exists in virtual service tcp/127.0.0.1:18502",
        r.json().getString("detail"));
    assertEquals(before, running.admin.get("/api/v1/services").json());

    AdminClient.Response bad = running.admin.post("/api/v1/batch", new JsonObject().put("operations", new JsonArray()
        .add(new JsonObject().put("action", "clear"))
        .add(new JsonObject().put("action", "edit-server").put("service", "tcp/127.0.0.1:" + vport).put("server", "127.0.0.1:9")
            .put("body", new JsonObject().put("address", "127.0.0.1:9").put("weight", 70000)).put("line", 12))).encode());
    assertEquals(404, bad.status(), bad.body());
    assertEquals("operation 2 (line 12): no virtual service tcp/127.0.0.1:" + vport, bad.json().getString("detail"));
    assertEquals(before, running.admin.get("/api/v1/services").json());

    AdminClient.Response ok = running.admin.post("/api/v1/batch", new JsonObject().put("operations", new JsonArray()
        .add(new JsonObject().put("action", "edit-server").put("service", "tcp/127.0.0.1:" + vport).put("server", "127.0.0.1:9")
            .put("body", new JsonObject().put("address", "127.0.0.1:9").put("weight", 7)))
        .add(new JsonObject().put("action", "add-service").put("body", new JsonObject().put("address", "127.0.0.1:18503"))))
        .encode());
    assertEquals(200, ok.status(), ok.body());
    long version = before.getLong("version");
    assertEquals(new JsonObject().put("version", version + 2).put("operations", 2), ok.json());
    JsonObject after = running.admin.get("/api/v1/services").json();
    assertEquals(version + 2, after.getLong("version"));
    assertEquals(7, after.getJsonArray("services").getJsonObject(0).getJsonArray("servers").getJsonObject(0)
        .getInteger("weight"));
    assertEquals(2, after.getJsonArray("services").size());
  }
}
