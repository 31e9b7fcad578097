package io.vsd.health;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import io.vertx.core.Context;
import io.vertx.core.Vertx;
import io.vertx.core.http.HttpServer;
import io.vertx.core.http.HttpServerOptions;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import io.vertx.core.net.NetClientOptions;
import io.vertx.core.net.SelfSignedCertificate;
import io.vsd.services.model.CheckSpec;
import io.vsd.services.model.Endpoint;
import io.vsd.services.model.HealthJson;
import io.vsd.services.model.Problem;
import java.io.IOException;
import java.net.DatagramPacket;
import java.net.DatagramSocket;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicReference;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/** Each checker against real peers on loopback: servers that answer, refuse, hang, or answer wrong. */
@Timeout(value = 30, unit = TimeUnit.SECONDS)
class CheckersTest {
  static Vertx vertx;
  static Context context;
  static CheckContext ctx;
  static CheckContext noExec;
  static ExecutorService blocking;
  static final Duration TIMEOUT = Duration.ofMillis(300);

  @TempDir
  Path tmp;

  @BeforeAll
  static void start() {
    vertx = Vertx.vertx();
    context = vertx.getOrCreateContext();
    blocking = Executors.newVirtualThreadPerTaskExecutor();
    var net = vertx.createNetClient(new NetClientOptions());
    ctx = new CheckContext(vertx, net, blocking, true);
    noExec = new CheckContext(vertx, net, blocking, false);
  }

  @AfterAll
  static void stop() throws Exception {
    blocking.shutdownNow();
    vertx.close().await(5, TimeUnit.SECONDS);
  }

  /** The checker of a check written as in the API, for {@code target}. */
  static Checker checker(CheckContext c, String checkJson, String target) {
    List<Problem> problems = new ArrayList<>();
    var check = HealthJson.parseCheck(new JsonObject(checkJson), "", false, problems);
    assertEquals(List.of(), problems);
    CheckSpec spec = CheckSpec.effective(check, null);
    Endpoint t = Endpoint.parse(target, 0);
    return Checkers.create(c, spec, spec.target(t));
  }

  /** Runs one check on an event loop, as a probe does. */
  static CheckResult run(Checker checker, Duration timeout) throws Exception {
    CompletableFuture<CheckResult> result = new CompletableFuture<>();
    context.runOnContext(v -> checker.check(timeout).onComplete(ar -> {
      if (ar.succeeded()) {
        result.complete(ar.result());
      } else {
        result.complete(CheckResult.fail("failed future: " + ar.cause().getMessage()));
      }
    }));
    return result.get(timeout.toMillis() + 5_000, TimeUnit.MILLISECONDS);
  }

  static CheckResult run(String checkJson, String target) throws Exception {
    return run(checker(ctx, checkJson, target), TIMEOUT);
  }

  static int freePort() throws IOException {
    try (ServerSocket s = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
      return s.getLocalPort();
    }
  }

  // ---- tcp ----

  @Test
  void tcpConnect() throws Exception {
    try (TestServer server = new TestServer(TestServer::silent)) {
      CheckResult up = run("{\"type\":\"tcp\"}", server.address());
      assertTrue(up.ok(), up.message());
      assertEquals("TCP connect to " + server.address() + ": connected", up.message());
      server.closeListener();
      CheckResult down = run("{\"type\":\"tcp\"}", server.address());
      assertFalse(down.ok());
      assertEquals("TCP connect to " + server.address() + ": connect: Connection refused", down.message());
    }
  }

  @Test
  void tcpSendExpect() throws Exception {
    try (TestServer redis = new TestServer(TestServer.replies("+PONG\r\n"))) {
      String check = "{\"type\":\"tcp\",\"send\":\"PING\\r\\n\",\"expect\":\"^\\\\+PONG\"}";
      CheckResult ok = run(check, redis.address());
      assertTrue(ok.ok(), ok.message());
      redis.behave(TestServer.replies("-ERR no\r\n"));
      CheckResult wrong = run(check, redis.address());
      assertFalse(wrong.ok());
      assertTrue(wrong.message().contains("connection closed after \"-ERR no\\r\\n\", which does not match"), wrong.message());
      redis.behave(TestServer::silent);
      CheckResult silent = run(check, redis.address());
      assertFalse(silent.ok());
      assertTrue(silent.message().endsWith("timed out after 300 ms (waiting for a reply)"), silent.message());
    }
    try (TestServer smtp = new TestServer(TestServer.says("220 mail ESMTP\r\n"))) {
      assertTrue(run("{\"type\":\"tcp\",\"expect\":\"^220 \"}", smtp.address()).ok(), "the server speaks first");
    }
  }

  // ---- http ----

  @Test
  void httpStatusBodyAndDigest() throws Exception {
    AtomicReference<String> head = new AtomicReference<>();
    try (TestServer web = new TestServer(s -> {
      head.set(TestServer.readHead(s.getInputStream()));
      byte[] b = "all good\n".getBytes(StandardCharsets.UTF_8);
      s.getOutputStream().write(("HTTP/1.1 200 OK\r\nContent-Length: " + b.length + "\r\n\r\n").getBytes(StandardCharsets.ISO_8859_1));
      s.getOutputStream().write(b);
      s.getOutputStream().flush();
      TestServer.silent(s); // keeps the connection open: the check must stop at Content-Length
    })) {
      CheckResult ok = run("{\"type\":\"http\",\"path\":\"/health\",\"host\":\"www.vsd.test\",\"body\":\"good\","
          + "\"digest\":\"" + HttpChecker.md5("all good\n".getBytes(StandardCharsets.UTF_8)) + "\"}", web.address());
      assertTrue(ok.ok(), ok.message());
      assertTrue(head.get().startsWith("GET /health HTTP/1.0\r\n"), head.get());
      assertTrue(head.get().contains("\r\nHost: www.vsd.test\r\n"), head.get());
      CheckResult badBody = run("{\"type\":\"http\",\"body\":\"^bad\"}", web.address());
      assertFalse(badBody.ok());
      assertTrue(badBody.message().endsWith("200 OK, but the body does not match \"^bad\""), badBody.message());
      CheckResult badDigest = run("{\"type\":\"http\",\"digest\":\"00000000000000000000000000000000\"}", web.address());
      assertFalse(badDigest.ok());
      assertTrue(badDigest.message().contains("but the body's MD5 is"), badDigest.message());
    }
  }

  @Test
  void http500IsDownUnlessExpected() throws Exception {
    try (TestServer web = new TestServer(TestServer.http(500, "oops"))) {
      CheckResult down = run("{\"type\":\"http\"}", web.address());
      assertFalse(down.ok());
      assertEquals("http GET http://" + web.address() + "/: 500 X, expected 200-299", down.message());
      assertTrue(run("{\"type\":\"http\",\"status\":[200,\"500-503\"]}", web.address()).ok());
      web.behave(TestServer.http(302, ""));
      assertFalse(run("{\"type\":\"http\"}", web.address()).ok());
      assertTrue(run("{\"type\":\"http\",\"status\":\"200-399\"}", web.address()).ok());
    }
  }

  @Test
  void httpServerThatAcceptsButNeverAnswers() throws Exception {
    try (TestServer web = new TestServer(TestServer::silent)) {
      long t0 = System.nanoTime();
      CheckResult r = run("{\"type\":\"http\"}", web.address());
      long ms = (System.nanoTime() - t0) / 1_000_000;
      assertFalse(r.ok());
      assertTrue(r.message().endsWith("timed out after 300 ms (waiting for a reply)"), r.message());
      assertTrue(ms >= 290 && ms < 1500, "took " + ms + " ms");
    }
  }

  @Test
  void httpChunkedBody() throws Exception {
    try (TestServer web = new TestServer(s -> {
      TestServer.readHead(s.getInputStream());
      s.getOutputStream().write(("HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked\r\n\r\n4\r\nwell\r\n5\r\n done\r\n0\r\n\r\n")
          .getBytes(StandardCharsets.ISO_8859_1));
      s.getOutputStream().flush();
      TestServer.silent(s);
    })) {
      CheckResult r = run("{\"type\":\"http\",\"body\":\"^well done$\"}", web.address());
      assertTrue(r.ok(), r.message());
    }
  }

  @Test
  void httpsWithSniAndVerification() throws Exception {
    SelfSignedCertificate cert = SelfSignedCertificate.create("vsd.test");
    AtomicReference<String> sni = new AtomicReference<>();
    HttpServer server = vertx.createHttpServer(new HttpServerOptions().setSsl(true).setSni(true)
            .setKeyCertOptions(cert.keyCertOptions()))
        .requestHandler(req -> {
          sni.set(req.connection().indicatedServerName());
          req.response().end("secure " + req.getHeader("Host"));
        });
    server.listen(0, "127.0.0.1").await(5, TimeUnit.SECONDS);
    try {
      String target = "127.0.0.1:" + server.actualPort();
      // TLS set-up is slow the first time in a JVM (seconds on a small machine): warm it up.
      run(checker(ctx, "{\"type\":\"https\",\"verify\":false}", target), Duration.ofSeconds(15));
      CheckResult untrusted = https("{\"type\":\"https\",\"host\":\"vsd.test\"}", target);
      assertFalse(untrusted.ok());
      assertTrue(untrusted.message().contains("PKIX") || untrusted.message().contains("certif"), untrusted.message());
      CheckResult skip = https("{\"type\":\"https\",\"host\":\"vsd.test\",\"verify\":false,\"body\":\"secure vsd.test\"}", target);
      assertTrue(skip.ok(), skip.message());
      assertEquals("vsd.test", sni.get(), "SNI is the Host header's name");
      CheckResult trusted = https("{\"type\":\"https\",\"sni\":\"vsd.test\",\"ca\":\"" + cert.certificatePath() + "\"}", target);
      assertTrue(trusted.ok(), trusted.message());
      CheckResult wrongName = https("{\"type\":\"https\",\"sni\":\"other.test\",\"ca\":\"" + cert.certificatePath() + "\"}", target);
      assertFalse(wrongName.ok(), "the host name is verified: " + wrongName.message());
      assertTrue(wrongName.message().contains("other.test") || wrongName.message().contains("certif"), wrongName.message());
    } finally {
      server.close().await(5, TimeUnit.SECONDS);
    }
  }

  private static CheckResult https(String check, String target) throws Exception {
    return run(checker(ctx, check, target), Duration.ofSeconds(3));
  }

  // ---- udp and dns ----

  @Test
  void udpSendExpect() throws Exception {
    try (DatagramSocket echo = new DatagramSocket(0, InetAddress.getLoopbackAddress())) {
      Thread t = Thread.ofVirtual().start(() -> {
        byte[] buf = new byte[512];
        while (!echo.isClosed()) {
          try {
            DatagramPacket p = new DatagramPacket(buf, buf.length);
            echo.receive(p);
            byte[] reply = ("PONG " + new String(p.getData(), 0, p.getLength(), StandardCharsets.UTF_8)).getBytes(StandardCharsets.UTF_8);
            echo.send(new DatagramPacket(reply, reply.length, p.getSocketAddress()));
          } catch (IOException e) {
            return;
          }
        }
      });
      String target = "127.0.0.1:" + echo.getLocalPort();
      assertTrue(run("{\"type\":\"udp\",\"send\":\"ping\",\"prefix\":\"PONG\"}", target).ok());
      assertTrue(run("{\"type\":\"udp\",\"send\":\"ping\",\"expect\":\"PONG p.ng\"}", target).ok());
      CheckResult wrong = run("{\"type\":\"udp\",\"send\":\"ping\",\"prefix\":\"PANG\"}", target);
      assertFalse(wrong.ok());
      assertTrue(wrong.message().contains("no reply within 300 ms; last reply \"PONG ping\" did not match"), wrong.message());
      echo.close();
      t.join(1000);
    }
    CheckResult silent = run("{\"type\":\"udp\",\"send\":\"ping\"}", "127.0.0.1:" + freePort());
    assertFalse(silent.ok(), silent.message());
  }

  @Test
  void dnsAgainstDnsmasq() throws Exception {
    Path dnsmasq = Path.of("/usr/sbin/dnsmasq");
    assumeTrue(Files.isExecutable(dnsmasq), "dnsmasq is not installed (bin/test installs it)");
    int port;
    try (DatagramSocket s = new DatagramSocket(0, InetAddress.getLoopbackAddress())) {
      port = s.getLocalPort();
    }
    Process p = new ProcessBuilder(dnsmasq.toString(), "-k", "--conf-file=/dev/null", "--port=" + port,
        "--listen-address=127.0.0.1", "--bind-interfaces", "--no-resolv", "--no-hosts",
        "--address=/vsd.test/127.0.0.1", "--pid-file=", "--log-facility=-")
        .redirectErrorStream(true).redirectOutput(tmp.resolve("dnsmasq.log").toFile()).start();
    try {
      String target = "127.0.0.1:" + port;
      CheckResult up = null;
      for (int i = 0; i < 50 && (up == null || !up.ok()); i++) {
        up = run("{\"type\":\"dns\",\"query\":\"www.vsd.test\"}", target);
        if (!up.ok()) {
          Thread.sleep(50);
        }
      }
      assertTrue(up.ok(), up.message());
      assertEquals("dns " + target + " www.vsd.test A: NOERROR, 1 answer", up.message());
      CheckResult refused = run("{\"type\":\"dns\",\"query\":\"nope.example\",\"qtype\":\"AAAA\"}", target);
      assertFalse(refused.ok());
      assertTrue(refused.message().endsWith("REFUSED, 0 answers, expected NOERROR"), refused.message());
    } finally {
      p.destroy();
      p.waitFor(5, TimeUnit.SECONDS);
    }
    CheckResult silent = run("{\"type\":\"dns\",\"query\":\"vsd.test\"}", "127.0.0.1:" + port);
    assertFalse(silent.ok(), "no server, no reply: " + silent.message());
  }

  @Test
  void dnsPacket() {
    var q = DnsMessage.query(0xbeef, "a.bc.", 28);
    assertEquals("beef0100000100000000000001610262630000" + "1c0001", bytesHex(q.getBytes()));
    var r = DnsMessage.parse(io.vertx.core.buffer.Buffer.buffer(new byte[] {(byte) 0xbe, (byte) 0xef, (byte) 0x81,
        (byte) 0x83, 0, 1, 0, 0, 0, 0, 0, 0}));
    assertEquals(0xbeef, r.id());
    assertTrue(r.response());
    assertEquals("NXDOMAIN", r.rcodeName());
  }

  private static String bytesHex(byte[] b) {
    return java.util.HexFormat.of().formatHex(b);
  }

  // ---- exec ----

  @Test
  void execExitCodesAndDynamicWeight() throws Exception {
    CheckResult up = run(checker(ctx, "{\"type\":\"exec\",\"command\":\"test \\\"$VSD_REAL_SERVER\\\" = 127.0.0.1:9\"}",
        "127.0.0.1:9"), Duration.ofSeconds(5));
    assertTrue(up.ok(), up.message());
    assertNull(up.weight(), "without dynamic weights, exit 0 says nothing of the weight");
    CheckResult down = run(checker(ctx, "{\"type\":\"exec\",\"command\":[\"/bin/sh\",\"-c\",\"echo disk full; exit 1\"]}",
        "127.0.0.1:9"), Duration.ofSeconds(5));
    assertFalse(down.ok());
    assertTrue(down.message().endsWith(": exit 1: \"disk full\""), down.message());
    CheckResult weighted = run(checker(ctx, "{\"type\":\"exec\",\"command\":\"exit 7\",\"dynamicWeight\":true}",
        "127.0.0.1:9"), Duration.ofSeconds(5));
    assertTrue(weighted.ok(), weighted.message());
    assertEquals(new CheckResult.DynamicWeight(5, null), weighted.weight());
    CheckResult seven = run(checker(ctx, "{\"type\":\"exec\",\"command\":\"exit 7\"}", "127.0.0.1:9"), Duration.ofSeconds(5));
    assertFalse(seven.ok(), "without dynamic weights, any exit but 0 is down");
    CheckResult zero = run(checker(ctx, "{\"type\":\"exec\",\"command\":\"exit 0\",\"dynamicWeight\":true}",
        "127.0.0.1:9"), Duration.ofSeconds(5));
    assertEquals(CheckResult.DynamicWeight.CONFIGURED, zero.weight(), "exit 0 goes back to the configured weight");
  }

  @Test
  void execTimeoutKillsTheCommand() throws Exception {
    Path marker = tmp.resolve("still-running");
    long t0 = System.nanoTime();
    CheckResult r = run(checker(ctx, "{\"type\":\"exec\",\"command\":\"sleep 3; touch " + marker + "\"}",
        "127.0.0.1:9"), Duration.ofMillis(300));
    long ms = (System.nanoTime() - t0) / 1_000_000;
    assertFalse(r.ok());
    assertTrue(r.message().endsWith("still running after 300 ms, killed"), r.message());
    assertTrue(ms < 2000, "took " + ms + " ms");
    Thread.sleep(3200);
    assertFalse(Files.exists(marker), "the command and its children were killed");
  }

  @Test
  void execIsOffUnlessTheDirectorAllowsIt() throws Exception {
    CheckResult r = run(checker(noExec, "{\"type\":\"exec\",\"command\":\"exit 0\"}", "127.0.0.1:9"), TIMEOUT);
    assertFalse(r.ok());
    assertTrue(r.message().contains("exec checks are turned off on this director"), r.message());
  }

  // ---- agent ----

  @Test
  void agentReplies() throws Exception {
    try (TestServer agent = new TestServer(TestServer.says("up 50%\n"))) {
      String check = "{\"type\":\"agent\"}";
      CheckResult half = run(check, agent.address());
      assertTrue(half.ok(), half.message());
      assertEquals(new CheckResult.DynamicWeight(null, 50), half.weight());
      agent.behave(TestServer.says("drain\n"));
      CheckResult drain = run(check, agent.address());
      assertTrue(drain.ok());
      assertEquals(new CheckResult.DynamicWeight(null, 0), drain.weight());
      agent.behave(TestServer.says("maint # upgrading\n"));
      assertFalse(run(check, agent.address()).ok());
      agent.behave(TestServer.says("down\n"));
      assertFalse(run(check, agent.address()).ok());
      agent.behave(TestServer.says("weight:7, maxconn:30\r\n"));
      CheckResult seven = run(check, agent.address());
      assertTrue(seven.ok());
      assertEquals(new CheckResult.DynamicWeight(7, null), seven.weight());
      agent.behave(TestServer.replies("ready\n"));
      assertTrue(run("{\"type\":\"agent\",\"send\":\"hello\\n\"}", agent.address()).ok(), "agent-send");
      agent.closeListener();
      assertFalse(run(check, agent.address()).ok(), "an agent that cannot be reached fails the check");
    }
  }

  /** A server that speaks first, at once: its bytes must not arrive before the check's handler is in place. */
  @Test
  void peersThatAnswerAndCloseAtOnce() throws Exception {
    try (TestServer agent = new TestServer(s -> s.getOutputStream().write("up 25%\n".getBytes(StandardCharsets.UTF_8)))) {
      for (int i = 0; i < 200; i++) {
        CheckResult r = run("{\"type\":\"agent\"}", agent.address());
        assertTrue(r.ok(), i + ": " + r.message());
      }
      agent.behave(s -> s.getOutputStream().write("220 hello\r\n".getBytes(StandardCharsets.UTF_8)));
      for (int i = 0; i < 20; i++) {
        CheckResult r = run("{\"type\":\"tcp\",\"expect\":\"^220\"}", agent.address());
        assertTrue(r.ok(), i + ": " + r.message());
      }
    }
  }

  @Test
  void agentWords() {
    assertEquals(new AgentReply(true, null, "ready"), AgentReply.parse("ready"));
    assertEquals(false, AgentReply.parse("fail,75%").state());
    assertEquals(new CheckResult.DynamicWeight(null, 75), AgentReply.parse("fail,75%").weight());
    assertNull(AgentReply.parse("maxconn:10").state());
    assertEquals(false, AgentReply.parse("stopped # going away").state());
  }

  @Test
  void checkIdsAreSharedByIdenticalChecksOnly() {
    List<Problem> p = new ArrayList<>();
    var a = HealthJson.parseCheck(new JsonObject("{\"type\":\"http\",\"path\":\"/\",\"interval\":\"2s\"}"), "", false, p);
    var b = HealthJson.parseCheck(new JsonObject("{\"interval\":2,\"path\":\"/\",\"type\":\"http\"}"), "", false, p);
    var c = HealthJson.parseCheck(new JsonObject("{\"type\":\"http\",\"path\":\"/x\"}"), "", false, p);
    assertEquals(List.of(), p);
    Endpoint s1 = Endpoint.parse("10.0.0.1:80", 0);
    Endpoint s2 = Endpoint.parse("10.0.0.2:80", 0);
    assertEquals(CheckSpec.effective(a, null).id(s1), CheckSpec.effective(b, null).id(s1));
    assertFalse(CheckSpec.effective(a, null).id(s1).equals(CheckSpec.effective(a, null).id(s2)));
    assertFalse(CheckSpec.effective(a, null).id(s1).equals(CheckSpec.effective(c, null).id(s1)));
    assertEquals(new JsonArray().add("200-299"), new JsonArray().add("200-299"));
  }
}
