package io.vsd.director;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.vertx.core.json.JsonObject;
import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/**
 * The hashing schedulers and wrr through a whole director, with real sockets. Clients bind to different
 * loopback source addresses (127.0.0.2, 127.0.0.3, ...) to vary the source-hash key.
 */
@Timeout(value = 60, unit = TimeUnit.SECONDS)
class SchedulerEndToEndTest {
  @TempDir
  Path tmp;
  final List<TestBackend> backends = new ArrayList<>();
  RunningDirector running;
  AdminClient api;
  int vport;

  @BeforeEach
  void start() throws Exception {
    for (String name : List.of("A", "B", "C")) {
      backends.add(new TestBackend(name));
    }
    running = RunningDirector.start(tmp, "services: []");
    api = running.admin;
    vport = RunningDirector.freePort();
  }

  @AfterEach
  void stop() throws Exception {
    if (running != null) {
      running.close();
    }
    for (TestBackend b : backends) {
      b.close();
    }
  }

  JsonObject createService(String attributes, int... weights) throws Exception {
    StringBuilder servers = new StringBuilder();
    for (int i = 0; i < weights.length; i++) {
      servers.append(i == 0 ? "" : ",").append("{\"address\":\"").append(backends.get(i).address())
          .append("\",\"weight\":").append(weights[i]).append('}');
    }
    AdminClient.Response r = api.post("/api/v1/services", "{\"address\":\"127.0.0.1:" + vport + "\"," + attributes
        + ",\"servers\":[" + servers + "]}");
    assertEquals(201, r.status(), r.body());
    assertEquals("listening", r.json().getString("listener"));
    return r.json();
  }

  /** Connects from {@code source} (port chosen by the system, or {@code port}), reads which backend answered. */
  String from(String source, int port) throws IOException {
    try (Socket s = new Socket()) {
      s.setReuseAddress(true);
      s.bind(new InetSocketAddress(source, port));
      s.connect(new InetSocketAddress("127.0.0.1", vport), 3000);
      s.setSoTimeout(5000);
      return new BufferedReader(new InputStreamReader(s.getInputStream(), StandardCharsets.UTF_8)).readLine();
    }
  }

  String from(String source) throws IOException {
    return from(source, 0);
  }

  /** The kernel's sh bucket for an IPv4 source with equal weights 1: hash_32(addr, 8) mod the number of servers. */
  static String kernelShServer(int lastOctet, int servers) {
    int addr = 0x7F000000 | lastOctet;
    int bucket = (addr * 0x61C88647) >>> 24;
    return String.valueOf((char) ('A' + bucket % servers));
  }

  @Test
  void shSendsEachSourceAddressToTheKernelsServer() throws Exception {
    createService("\"scheduler\":\"sh\"", 1, 1, 1);
    Set<String> seen = new HashSet<>();
    for (int x = 2; x <= 9; x++) {
      String expected = kernelShServer(x, 3);
      for (int connection = 0; connection < 3; connection++) {
        assertEquals(expected, from("127.0.0." + x), "127.0.0." + x + ", connection " + connection);
      }
      seen.add(expected);
    }
    assertTrue(seen.size() >= 2, "the sources reach different servers: " + seen);
  }

  @Test
  void shPortSpreadsOneSourceOverTheServers() throws Exception {
    JsonObject service = createService("\"scheduler\":\"sh\",\"flags\":[\"sh-port\"]", 1, 1, 1);
    assertEquals(List.of("sh-port"), service.getJsonArray("flags").getList());
    Set<String> seen = new HashSet<>();
    for (int i = 0; i < 24; i++) {
      seen.add(from("127.0.0.2"));
    }
    assertTrue(seen.size() >= 2, "one address, many ports: " + seen);
  }

  @Test
  void mhSendsEachSourceAddressToOneServer() throws Exception {
    JsonObject service = createService("\"scheduler\":\"mh\",\"mhTableSize\":65521", 1, 1, 1);
    assertEquals(65521, service.getInteger("mhTableSize"));
    Set<String> seen = new HashSet<>();
    for (int x = 2; x <= 13; x++) {
      String first = from("127.0.0." + x);
      for (int connection = 0; connection < 3; connection++) {
        assertEquals(first, from("127.0.0." + x), "127.0.0." + x + ", connection " + connection);
      }
      seen.add(first);
    }
    assertTrue(seen.size() >= 2, "the sources reach different servers: " + seen);
  }

  @Test
  void mhKeepsOtherSourcesInPlaceWhenAServerIsQuiesced() throws Exception {
    createService("\"scheduler\":\"mh\",\"flags\":[\"mh-fallback\"]", 1, 1, 1);
    List<String> before = new ArrayList<>();
    for (int x = 2; x <= 13; x++) {
      before.add(from("127.0.0." + x));
    }
    assertTrue(before.contains("A") && !before.stream().allMatch("A"::equals), "both cases are exercised: " + before);
    String quiesced = backends.get(0).address();
    assertEquals(200, api.put("/api/v1/services/tcp/127.0.0.1:" + vport + "/servers/" + quiesced,
        "{\"address\":\"" + quiesced + "\",\"weight\":0}").status());
    for (int x = 2; x <= 13; x++) {
      String now = from("127.0.0." + x);
      if (before.get(x - 2).equals("A")) {
        assertTrue(!now.equals("A"), "A is quiescent: mh-fallback moves 127.0.0." + x + " on");
      } else {
        assertEquals(before.get(x - 2), now, "127.0.0." + x + " keeps its server");
      }
    }
  }

  @Test
  void wrrWeights422GiveTheKernelCycle() throws Exception {
    createService("\"scheduler\":\"wrr\"", 4, 2, 2);
    StringBuilder sb = new StringBuilder();
    for (int i = 0; i < 8; i++) {
      sb.append(from("127.0.0." + (2 + i % 3)));
    }
    assertEquals("AABC" + "AABC", sb.toString(), "wrr ignores the client: one sequence per service");
  }

  @Test
  void anUnknownSchedulerOrFlagIsRefusedWithTheListOfKnownOnes() throws Exception {
    AdminClient.Response r = api.post("/api/v1/services", "{\"address\":\"127.0.0.1:" + vport
        + "\",\"scheduler\":\"maglev\"}");
    assertEquals(400, r.status());
    assertTrue(r.body().contains("known schedulers: rr, wrr, lc, wlc, lblc, lblcr, dh, sh, sed, nq, fo, ovf, mh, twos, chb"),
        r.body());
    r = api.post("/api/v1/services", "{\"address\":\"127.0.0.1:" + vport
        + "\",\"scheduler\":\"sh\",\"flags\":[\"mh-port\"]}");
    assertEquals(400, r.status());
    assertTrue(r.body().contains("unknown flag \\\"mh-port\\\" for scheduler sh; it takes: sh-fallback, sh-port"), r.body());
  }
}
