package io.vsd.director.keepalived;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import io.vsd.director.config.ConfigLoader;
import io.vsd.director.config.DirectorConfig;
import io.vsd.services.model.Persistence;
import io.vsd.services.model.Protocol;
import io.vsd.services.model.RealServer;
import io.vsd.services.model.ServiceHealth;
import io.vsd.services.model.VirtualService;
import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** vsadm --import-keepalived in-process: what it prints, what it lists, and how it fails. */
class KeepalivedImportTest {
  @TempDir
  Path tmp;

  record Run(int exit, String out, String err) {
    List<String> errLines() {
      return err.lines().toList();
    }
  }

  static Run run(String... args) {
    ByteArrayOutputStream out = new ByteArrayOutputStream();
    ByteArrayOutputStream err = new ByteArrayOutputStream();
    int exit = ImportKeepalived.run("vsadm", List.of(args), new PrintStream(out, true, StandardCharsets.UTF_8),
        new PrintStream(err, true, StandardCharsets.UTF_8));
    return new Run(exit, out.toString(StandardCharsets.UTF_8), err.toString(StandardCharsets.UTF_8));
  }

  static final Map<String, String> PORTS = Map.ofEntries(Map.entry("WEB_VIP", "8080"), Map.entry("SORRY", "8099"),
      Map.entry("WEB1", "9001"), Map.entry("WEB2", "9002"), Map.entry("DIGEST", "6DF23DC03F9B54CC38A0FC1483DF6E21"),
      Map.entry("TLS_VIP", "8443"), Map.entry("TLS1", "9443"), Map.entry("DNS_VIP", "5353"),
      Map.entry("DNS1", "9053"), Map.entry("DNS2", "9054"), Map.entry("DB_VIP", "3306"), Map.entry("DB1", "9306"),
      Map.entry("DB2", "9307"), Map.entry("DB2_ADMIN", "9308"), Map.entry("CHECK_SCRIPT", "/usr/local/bin/check-db"));

  /** Loads printed YAML with the config file's own code path, as bin/vsd --config would. */
  DirectorConfig load(String yaml) throws Exception {
    Path file = tmp.resolve("out-" + System.nanoTime() + ".yaml");
    Files.writeString(file, yaml);
    return ConfigLoader.load(file);
  }

  static VirtualService service(DirectorConfig c, Protocol protocol, int port) {
    return c.services().stream().filter(s -> s.key().protocol() == protocol && s.key().endpoint().port() == port)
        .findFirst().orElseThrow(() -> new AssertionError("no service " + protocol + " :" + port + " in " + c.services()));
  }

  @Test
  void realisticFileIsConvertedFieldByField() throws Exception {
    Path conf = KeepalivedFixture.write(tmp, PORTS);
    Run r = run(conf.toString());
    assertEquals(ImportKeepalived.PARTLY_CONVERTED, r.exit(), r.err());
    DirectorConfig c = load(r.out());
    assertEquals(4, c.services().size(), r.out());
    assertTrue(c.execChecks(), "a MISC_CHECK turns exec checks on:\n" + r.out());

    // The web farm: wrr, persistence 600 s per /24, sorry server, quorum 2 +- 1, inhibit, HTTP_GET with digest.
    VirtualService web = service(c, Protocol.TCP, 8080);
    assertEquals("127.0.0.1:8080", web.key().endpoint().toString());
    assertEquals("wrr", web.scheduler());
    assertEquals(new Persistence(600, "255.255.255.0", false), web.persistence());
    assertEquals("127.0.0.1:8099", web.health().sorry().toString());
    assertEquals(2, web.health().quorum());
    assertEquals(1, web.health().hysteresis());
    assertEquals(ServiceHealth.OnFailure.INHIBIT, web.health().onFailure());
    assertEquals(new JsonObject("""
        {"type": "http", "path": "/health", "digest": "6df23dc03f9b54cc38a0fc1483df6e21", "status": ["200"],
         "interval": "1s", "timeout": "1s", "fastInterval": "500ms", "rise": 1, "fall": 3}"""),
        web.health().check().spec(), "retry 2 (and nb_get_retry 2) is three failures in a row");
    assertEquals(2, web.servers().size());
    RealServer web1 = web.servers().get(0);
    assertEquals("127.0.0.1:9001", web1.endpoint().toString());
    assertEquals(3, web1.weight());
    assertEquals(200, web1.upper());
    assertEquals(50, web1.lower());
    assertNull(web1.check(), "the servers' identical checks are the service's");
    RealServer web2 = web.servers().get(1);
    assertEquals("127.0.0.1:9002", web2.endpoint().toString());
    assertEquals(1, web2.weight());
    assertEquals(0, web2.upper());

    // HTTPS: sh with sh-port, the virtual server's virtualhost as Host, keepalived's defaults written out.
    VirtualService tls = service(c, Protocol.TCP, 8443);
    assertEquals("sh", tls.scheduler());
    assertEquals(List.of("sh-port"), tls.flags());
    assertNull(tls.persistence());
    assertEquals(ServiceHealth.OnFailure.REMOVE, tls.health().onFailure());
    assertEquals(new JsonObject("""
        {"type": "https", "path": "/", "status": ["200-299", "301"], "host": "www.example.com", "verify": false,
         "interval": "10s", "timeout": "3s", "fastInterval": "3s", "rise": 1, "fall": 2}"""),
        tls.health().check().spec());
    assertEquals(2, tls.servers().get(0).weight());

    // DNS over UDP, from the included file: ops, rr, DNS_CHECK A www.example.com, retry 2.
    VirtualService dns = service(c, Protocol.UDP, 5353);
    assertEquals("rr", dns.scheduler());
    assertTrue(dns.ops());
    assertEquals(new JsonObject("""
        {"type": "dns", "qtype": "A", "query": "www.example.com", "interval": "5s", "timeout": "5s",
         "fastInterval": "5s", "rise": 1, "fall": 3}"""), dns.health().check().spec(),
        "delay_before_retry defaults to delay_loop for DNS_CHECK");
    assertEquals(List.of(1, 2), dns.servers().stream().map(RealServer::weight).toList());

    // The database: lc, alpha, one exec check with dynamic weights and one TCP check of another port.
    VirtualService db = service(c, Protocol.TCP, 3306);
    assertEquals("lc", db.scheduler());
    assertNull(db.health().check(), "the servers' checks differ, so each keeps its own");
    assertEquals(new JsonObject("""
        {"type": "exec", "command": ["/usr/local/bin/check-db", "9306"], "dynamicWeight": true, "interval": "2s",
         "timeout": "3s", "fastInterval": "1s", "rise": 1, "fall": 1, "alpha": true}"""),
        db.servers().get(0).check().spec(), "MISC_CHECK's retry defaults to 0: down at the first failure");
    assertEquals(new JsonObject("""
        {"type": "tcp", "port": 9308, "interval": "2s", "timeout": "2s", "fastInterval": "1s", "rise": 1, "fall": 2,
         "alpha": true}"""), db.servers().get(1).check().spec());
    assertEquals(List.of(10, 10), db.servers().stream().map(RealServer::weight).toList());

    // Each keyword left behind, once, with its file and line, in the order the files read.
    String main = conf.toString();
    String db20 = tmp.resolve("conf.d/20-db.conf").toString();
    List<String> expected = List.of(
        main + ":3: global_defs: ",
        main + ":12: vrrp_script: ",
        main + ":17: vrrp_instance: ",
        main + ":46: quorum_down: ",
        main + ":66: notify_down: ",
        main + ":85: lvs_method: ",
        main + ":96: warmup: ",
        main + ":98: SMTP_CHECK: ",
        db20 + ":24: virtual_server: ");
    List<String> lines = r.errLines();
    assertEquals(expected.size() + 1, lines.size(), r.err());
    for (int i = 0; i < expected.size(); i++) {
      assertTrue(lines.get(i).startsWith(expected.get(i)), "line " + i + ": expected " + expected.get(i) + "...\n" + r.err());
    }
    assertTrue(lines.get(2).endsWith("(the whole block, to line 33)"), "one entry per block: " + lines.get(2));
    assertTrue(lines.get(5).contains("DR is not available"), lines.get(5));
    assertEquals("vsadm: 9 keywords were not carried over (listed above); the configuration printed leaves them out",
        lines.get(expected.size()));
  }

  @Test
  void everythingCarriedOverExitsZeroAndListsNothing() throws Exception {
    Path conf = tmp.resolve("clean.conf");
    // A Latin-1 comment, as old files have: keepalived reads bytes, and so does the import.
    Files.writeString(conf, """
        # répartition de charge
        virtual_server 10.0.0.1 80 {
            lb_algo rr
            persistence_timeout
            real_server 10.0.1.1 8080 {
                weight 2
                TCP_CHECK {
                    connect_timeout 2
                }
            }
            real_server 10.0.1.2 {
                TCP_CHECK
            }
        }
        """, StandardCharsets.ISO_8859_1);
    Run r = run(conf.toString());
    assertEquals(ImportKeepalived.CONVERTED, r.exit(), r.err());
    assertEquals("", r.err());
    VirtualService s = load(r.out()).services().get(0);
    assertEquals(360, s.persistence().timeout(), "keepalived's default persistence_timeout is 6 minutes");
    assertEquals("10.0.1.2:80", s.servers().get(1).endpoint().toString(), "a real server without a port takes the"
        + " service's");
    assertEquals("60s", s.servers().get(1).check().spec().getString("interval"), "keepalived's delay_loop is 60 s");
    assertEquals("5s", s.servers().get(1).check().spec().getString("timeout"));
  }

  @Test
  void unbalancedBracesGiveOneLineAndExitOne() throws Exception {
    Path missing = tmp.resolve("missing.conf");
    Files.writeString(missing, """
        virtual_server 10.0.0.1 80 {
            real_server 10.0.1.1 80 {
                weight 2
        }
        """);
    Run r = run(missing.toString());
    assertEquals(ImportKeepalived.FAILED, r.exit());
    assertEquals("", r.out(), "nothing is printed for a file that cannot be parsed");
    assertEquals(List.of("vsadm: " + missing + ":1: unbalanced braces: the virtual_server block opened here is never"
        + " closed (a } is missing)"), r.errLines());

    Path extra = tmp.resolve("extra.conf");
    Files.writeString(extra, "virtual_server 10.0.0.1 80 {\n}\n}\n");
    Run e = run(extra.toString());
    assertEquals(ImportKeepalived.FAILED, e.exit());
    assertEquals(List.of("vsadm: " + extra + ":3: unbalanced braces: a } closes no block"), e.errLines());

    Path quote = tmp.resolve("quote.conf");
    Files.writeString(quote, "virtual_server 10.0.0.1 80 {\n  quorum_up \"/bin/true\n}\n");
    Run q = run(quote.toString());
    assertEquals(ImportKeepalived.FAILED, q.exit());
    assertEquals(1, q.errLines().size(), q.err());
    assertTrue(q.err().startsWith("vsadm: " + quote + ":2: unterminated quoted string"), q.err());

    Run none = run(tmp.resolve("nope.conf").toString());
    assertEquals(ImportKeepalived.FAILED, none.exit());
    assertEquals(List.of("vsadm: " + tmp.resolve("nope.conf") + ": no such file"), none.errLines());

    Run usage = run();
    assertEquals(ImportKeepalived.USAGE, usage.exit());
    assertEquals(1, usage.errLines().size());
  }

  @Test
  void groupsAreExpandedAndWhatCannotBeIsListed() throws Exception {
    Path conf = tmp.resolve("group.conf");
    Files.writeString(conf, """
        virtual_server_group web {
            10.0.0.1 80
            10.0.0.10-12 80
            fwmark 3
        }
        virtual_server group web {
            lb_algo rr
            smtp_alert
            real_server 10.0.1.1 80 {
                weight 2
            }
        }
        virtual_server_group unused {
            10.9.9.9 80
        }
        """);
    Run r = run(conf.toString());
    assertEquals(ImportKeepalived.PARTLY_CONVERTED, r.exit(), r.err());
    DirectorConfig c = load(r.out());
    assertEquals(List.of("10.0.0.1:80", "10.0.0.10:80", "10.0.0.11:80", "10.0.0.12:80"),
        c.services().stream().map(s -> s.key().endpoint().toString()).toList());
    assertTrue(c.services().stream().allMatch(s -> s.scheduler().equals("rr") && s.servers().get(0).weight() == 2));
    List<String> lines = r.errLines();
    assertEquals(4, lines.size(), r.err());
    assertTrue(lines.get(0).startsWith(conf + ":4: fwmark: "), r.err());
    assertTrue(lines.get(1).startsWith(conf + ":8: smtp_alert: "), "said once, not once per address:\n" + r.err());
    assertTrue(lines.get(2).startsWith(conf + ":13: virtual_server_group: no virtual_server uses group unused"), r.err());
  }

  @Test
  void valuesVsdCannotTakeAreListedNotGuessed() throws Exception {
    Path conf = tmp.resolve("odd.conf");
    Files.writeString(conf, """
        virtual_server 10.0.0.1 80 {
            persistence_granularity 255.255.0.0
            lb_algo fastest
            ops
            real_server 10.0.1.1 80 {
                weight 70000
                inhibit_on_failure
                MISC_CHECK {
                    misc_path /bin/true
                }
                TCP_CHECK {
                }
            }
            real_server web.example.com 80 {
            }
            real_server 10.0.1.2 80 {
                PING_CHECK {
                }
            }
        }
        virtual_server 10.0.0.1 80 {
            real_server 10.0.1.1 80 {
            }
        }
        include nothing/*.conf
        """);
    Run r = run(conf.toString());
    assertEquals(ImportKeepalived.PARTLY_CONVERTED, r.exit(), r.err());
    VirtualService s = load(r.out()).services().get(0);
    assertEquals(1, load(r.out()).services().size());
    assertEquals("wlc", s.scheduler());
    assertNull(s.persistence());
    assertEquals(1, s.servers().get(0).weight());
    assertEquals(ServiceHealth.OnFailure.INHIBIT, s.health().onFailure());
    assertEquals("exec", s.servers().get(0).check().type());
    String[] expected = {
        ":2: persistence_granularity: has no effect without persistence_timeout",
        ":3: lb_algo: unknown scheduler fastest",
        ":4: ops: one-packet scheduling applies to UDP services only",
        ":6: weight: 70000 is not an integer between 0 and 65535",
        ":11: TCP_CHECK: vsd checks a real server with one check; only the first, MISC_CHECK at " + conf + ":8",
        ":14: real_server: web.example.com is not an IP address",
        ":16: inhibit_on_failure: vsd sets onFailure per virtual service",
        ":17: PING_CHECK: vsd has no PING_CHECK checker",
        ":21: virtual_server: virtual service tcp/10.0.0.1:80 is already defined at " + conf + ":1",
        ":25: include: no file matches nothing/*.conf"};
    List<String> lines = r.errLines();
    assertEquals(expected.length + 1, lines.size(), r.err());
    for (int i = 0; i < expected.length; i++) {
      assertTrue(lines.get(i).startsWith(conf + expected[i]), "expected " + expected[i] + "\n" + r.err());
    }
  }

  @Test
  void includesAreGlobbedRelativeToTheIncludingFileInOrder() throws Exception {
    Path dir = Files.createDirectories(tmp.resolve("etc/keepalived/services"));
    Files.writeString(dir.resolve("b.conf"), "virtual_server 10.0.0.2 80 {\n}\n");
    Files.writeString(dir.resolve("a.conf"), "virtual_server 10.0.0.1 80 {\n}\n");
    Files.writeString(dir.resolve("notes.txt"), "this is { not a config");
    Path main = tmp.resolve("etc/keepalived/keepalived.conf");
    Files.writeString(main, "include services/*.conf   # relative to this file, not to the working directory\n");
    Run r = run(main.toString());
    assertEquals(ImportKeepalived.CONVERTED, r.exit(), r.err());
    assertEquals(List.of("10.0.0.1:80", "10.0.0.2:80"),
        load(r.out()).services().stream().map(s -> s.key().endpoint().toString()).toList());
    assertTrue(r.out().contains("# " + tmp.resolve("etc/keepalived/services/a.conf") + ":1 virtual_server 10.0.0.1 80"),
        r.out());
  }

  @Test
  void udpCheckIsCarriedOverOnlyWhereItMeansTheSame() throws Exception {
    Path conf = tmp.resolve("udp.conf");
    Files.writeString(conf, """
        virtual_server 10.0.0.1 9999 {
            protocol UDP
            real_server 10.0.1.1 9999 {
                UDP_CHECK {
                    payload 50494e47 0a
                    require_reply 504f4e47
                    connect_timeout 2
                }
            }
            real_server 10.0.1.2 9999 {
                UDP_CHECK {
                    payload 50494e470a
                }
            }
        }
        """);
    Run r = run(conf.toString());
    assertEquals(ImportKeepalived.PARTLY_CONVERTED, r.exit(), r.err());
    VirtualService s = load(r.out()).services().get(0);
    assertEquals(new JsonObject("""
        {"type": "udp", "send": "PING\\n", "prefix": "PONG", "interval": "60s", "timeout": "2s", "fastInterval": "1s",
         "rise": 1, "fall": 2}"""), s.servers().get(0).check().spec());
    assertNull(s.servers().get(1).check());
    assertTrue(r.errLines().get(0).startsWith(conf + ":11: UDP_CHECK: without require_reply keepalived takes silence"
        + " as success"), r.err());
    assertEquals(2, r.errLines().size(), r.err());
  }

  @Test
  void docExampleIsAValidConfiguration() throws Exception {
    Matcher m = Pattern.compile("```yaml\\n(.*?)```", Pattern.DOTALL)
        .matcher(Files.readString(Path.of("..", "docs", "keepalived.md")));
    assertTrue(m.find(), "docs/keepalived.md shows the output");
    DirectorConfig c = load(m.group(1));
    assertEquals(1, c.services().size());
    assertTrue(c.execChecks());
  }

  @Test
  void wordsQuotesAndComments() throws Exception {
    assertEquals(List.of("misc_path", "/bin/check 'a b'", "{"),
        KeepalivedParser.words("misc_path \"/bin/check 'a b'\" { # comment", "f", 1));
    assertEquals(List.of("a", "b", "}", "c"), KeepalivedParser.words("a b} c ! d", "f", 1));
    assertEquals(new JsonArray().add("/bin/check").add("a b").add("c"),
        KeepalivedConverter.commandWords("/bin/check 'a b' c"));
  }
}
