package io.vsd.admin.vsadm;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.vsd.admin.vsadm.FakeDirector.Request;
import java.io.IOException;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/** vsadm's run() against a fake director on loopback: what it sends, and what it prints. */
class VsadmEndToEndTest {
    private static final String JSON = "application/json";

    private static final String INFO = """
            {"name": "vsd", "version": "0.1.0", "directorId": "d1", "connectionTableSize": 4096}""";

    /** Four virtual services, in no particular order, as GET /api/v1/services answers them. */
    private static final String TABLE = """
            {"version": 7, "services": [
              {"protocol": "udp", "address": "10.2.0.1:53", "scheduler": "rr", "flags": [], "persistence": null,
               "ops": true, "version": 5, "stats": {"activeConns": 0, "inactConns": 3},
               "servers": [{"address": "10.1.0.2:53", "forward": "masq", "weight": 1, "upper": 0, "lower": 0,
                            "activeConns": 0, "inactConns": 3}]},
              {"protocol": "tcp", "address": "[2001:db8::1]:80", "scheduler": "wlc", "flags": [],
               "persistence": {"timeout": 300, "netmask": 128}, "ops": false, "version": 6,
               "servers": [{"address": "[2001:db8::5]:80", "forward": "masq", "weight": 1, "upper": 0, "lower": 0,
                            "activeConns": 0, "inactConns": 0}]},
              {"protocol": "tcp", "address": "200.0.0.1:80", "scheduler": "wlc", "flags": [], "persistence": null,
               "ops": false, "version": 2, "servers": []},
              {"protocol": "tcp", "address": "10.2.0.1:9200", "scheduler": "wrr", "flags": [], "persistence": null,
               "ops": false, "version": 3, "stats": {"activeConns": 5, "inactConns": 1},
               "servers": [{"address": "10.1.105.2:3306", "forward": "masq", "weight": 2, "upper": 0, "lower": 0,
                            "activeConns": 5, "inactConns": 1},
                           {"address": "10.1.105.1:3306", "forward": "masq", "weight": 1, "upper": 0, "lower": 0,
                            "activeConns": 0, "inactConns": 0}]},
              {"protocol": "tcp", "address": "127.0.0.1:80", "scheduler": "wrr", "flags": ["sh-port"],
               "persistence": {"timeout": 600, "netmask": "255.255.255.0"}, "ops": false, "version": 4,
               "servers": [{"address": "10.1.0.1:80", "forward": "masq", "weight": 1, "upper": 0, "lower": 0,
                            "activeConns": 0, "inactConns": 0}]}
            ]}""";

    private static final String MYSQL_SERVICE = """
            {"protocol": "tcp", "address": "10.2.0.1:9200", "scheduler": "wrr", "flags": [], "persistence": null,
             "ops": false, "version": 3,
             "servers": [{"address": "10.1.105.2:3306", "forward": "masq", "weight": 2, "upper": 0, "lower": 0,
                          "activeConns": 5, "inactConns": 1},
                         {"address": "10.1.105.1:3306", "forward": "route", "weight": 1, "upper": 0, "lower": 0,
                          "activeConns": 0, "inactConns": 0}]}""";

    private static final String HEADER = "IP Virtual Server version 1.2.1 (size=4096)\n";
    private static final String TITLE = "Prot LocalAddress:Port Scheduler Flags\n"
            + "  -> RemoteAddress:Port           Forward Weight ActiveConn InActConn\n";

    private FakeDirector director;
    private Map<String, String> env;

    @BeforeEach
    void start() throws IOException {
        director = new FakeDirector();
        env = Map.of(DirectorUrl.ENV, director.url());
    }

    @AfterEach
    void stop() {
        director.close();
    }

    private VsadmRun vsadm(String... args) {
        return VsadmRun.run(env, args);
    }

    private static VsadmRun ok(String out) {
        return new VsadmRun(0, out, "");
    }

    private static VsadmRun failed(String message) {
        return new VsadmRun(1, "", "vsadm: " + message + "\n");
    }

    @Test
    void listNumericIsIpvsadmsLayoutSortedAsIpvsadmSorts() {
        director.answer("GET", "/api/v1/info", 200, INFO).answer("GET", "/api/v1/services", 200, TABLE);
        assertEquals(ok(HEADER + TITLE
                + "TCP  10.2.0.1:9200 wrr\n"
                + "  -> 10.1.105.1:3306              Masq    1      0          0         \n"
                + "  -> 10.1.105.2:3306              Masq    2      5          1         \n"
                + "TCP  127.0.0.1:80 wrr (sh-port) persistent 600 mask 255.255.255.0\n"
                + "  -> 10.1.0.1:80                  Masq    1      0          0         \n"
                + "TCP  200.0.0.1:80 wlc\n"
                + "UDP  10.2.0.1:53 rr ops\n"
                + "  -> 10.1.0.2:53                  Masq    1      0          3         \n"
                + "TCP  [2001:db8::1]:80 wlc persistent 300\n"
                + "  -> [2001:db8::5]:80             Masq    1      0          0         \n"), vsadm("-L", "-n"));
        assertEquals(List.of(new Request("GET", "/api/v1/info", null, ""), new Request("GET", "/api/v1/services", null, "")),
                director.requests());
    }

    @Test
    void listWithoutNumericPrintsHostAndServiceNames() {
        director.answer("GET", "/api/v1/info", 200, INFO).answer("GET", "/api/v1/services", 200, TABLE);
        assertEquals(ok(HEADER + TITLE
                + "TCP  10.2.0.1:9200 wrr\n"
                + "  -> 10.1.105.1:mysql             Masq    1      0          0         \n"
                + "  -> 10.1.105.2:mysql             Masq    2      5          1         \n"
                + "TCP  localhost:http wrr (sh-port) persistent 600 mask 255.255.255.0\n"
                + "  -> web1.example.com:http        Masq    1      0          0         \n"
                + "TCP  200.0.0.1:http wlc\n"
                + "UDP  10.2.0.1:domain rr ops\n"
                + "  -> 10.1.0.2:domain              Masq    1      0          3         \n"
                + "TCP  [2001:db8::1]:http wlc persistent 300\n"
                + "  -> [db6.example.com]:http       Masq    1      0          0         \n"), vsadm("-L"));
    }

    @Test
    void noSortKeepsTheDirectorsOrder() {
        director.answer("GET", "/api/v1/info", 200, INFO).answer("GET", "/api/v1/services", 200, TABLE);
        assertEquals(ok(HEADER + TITLE
                + "UDP  10.2.0.1:53 rr ops\n"
                + "  -> 10.1.0.2:53                  Masq    1      0          3         \n"
                + "TCP  [2001:db8::1]:80 wlc persistent 300\n"
                + "  -> [2001:db8::5]:80             Masq    1      0          0         \n"
                + "TCP  200.0.0.1:80 wlc\n"
                + "TCP  10.2.0.1:9200 wrr\n"
                + "  -> 10.1.105.2:3306              Masq    2      5          1         \n"
                + "  -> 10.1.105.1:3306              Masq    1      0          0         \n"
                + "TCP  127.0.0.1:80 wrr (sh-port) persistent 600 mask 255.255.255.0\n"
                + "  -> 10.1.0.1:80                  Masq    1      0          0         \n"), vsadm("-Ln", "--nosort"));
    }

    @Test
    void emptyTable() {
        director.answer("GET", "/api/v1/info", 200, INFO).answer("GET", "/api/v1/services", 200, """
                {"version": 0, "services": []}""");
        assertEquals(ok(HEADER + TITLE), vsadm("-L", "-n"));
    }

    @Test
    void listOneServiceHasNoVersionHeaderAsInIpvsadm() {
        director.answer("GET", "/api/v1/services/tcp/10.2.0.1:9200", 200, MYSQL_SERVICE);
        assertEquals(ok(TITLE
                + "TCP  10.2.0.1:9200 wrr\n"
                + "  -> 10.1.105.1:3306              Route   1      0          0         \n"
                + "  -> 10.1.105.2:3306              Masq    2      5          1         \n"), vsadm("-L", "-n", "-t", "10.2.0.1:9200"));
        assertEquals(List.of(new Request("GET", "/api/v1/services/tcp/10.2.0.1:9200", null, "")), director.requests());
    }

    @Test
    void listOneIpv6ServicePercentEncodesTheBrackets() {
        director.answer("GET", "/api/v1/services/tcp/%5B2001:db8::1%5D:80", 200, """
                {"protocol": "tcp", "address": "[2001:db8::1]:80", "scheduler": "wlc", "flags": [],
                 "persistence": {"timeout": 300, "netmask": "64"}, "ops": false, "servers": []}""");
        assertEquals(ok(TITLE + "TCP  [2001:db8::1]:80 wlc persistent 300 mask 64\n"),
                vsadm("-Ln", "-t", "[2001:db8::1]:80"));
    }

    @Test
    void listAnUnknownServiceIsOneLineFromTheDirector() {
        director.problem("GET", "/api/v1/services/tcp/10.0.0.9:80", 404, "urn:vsd:problem:not-found", "Not found",
                "no such virtual service tcp 10.0.0.9:80");
        assertEquals(failed("no such virtual service tcp 10.0.0.9:80"), vsadm("-L", "-n", "-t", "10.0.0.9:80"));
    }

    @Test
    void addServiceSendsAServiceWithIpvsadmDefaults() {
        director.answer("POST", "/api/v1/services", 201, "{}");
        assertEquals(ok(""), vsadm("-A", "-t", "10.0.0.1:80"));
        assertEquals(List.of(new Request("POST", "/api/v1/services", JSON,
                "{\"protocol\":\"tcp\",\"address\":\"10.0.0.1:80\",\"scheduler\":\"wlc\",\"flags\":[],"
                        + "\"persistence\":null,\"ops\":false}")), director.requests());
    }

    @Test
    void addServiceWithEveryAttribute() {
        director.answer("POST", "/api/v1/services", 201, "{}");
        assertEquals(ok(""), vsadm("-A", "-u", "10.0.0.1:53", "-s", "rr", "-p", "600", "-M", "255.255.255.0",
                "-b", "sh-fallback,sh-port", "-o"));
        assertEquals(List.of(new Request("POST", "/api/v1/services", JSON,
                "{\"protocol\":\"udp\",\"address\":\"10.0.0.1:53\",\"scheduler\":\"rr\","
                        + "\"flags\":[\"sh-fallback\",\"sh-port\"],"
                        + "\"persistence\":{\"timeout\":600,\"netmask\":\"255.255.255.0\"},\"ops\":true}")),
                director.requests());
    }

    @Test
    void addAnExistingServiceIsTheDirectorsConflict() {
        director.problem("POST", "/api/v1/services", 409, "urn:vsd:problem:conflict", "Conflict",
                "virtual service tcp 10.0.0.1:80 already exists");
        assertEquals(failed("virtual service tcp 10.0.0.1:80 already exists"), vsadm("-A", "-t", "10.0.0.1:80"));
    }

    @Test
    void aValidationProblemIsPrintedAsItsDetail() {
        director.problem("POST", "/api/v1/services", 400, "urn:vsd:problem:validation", "Invalid request",
                "unknown scheduler 'foo'");
        assertEquals(failed("unknown scheduler 'foo'"), vsadm("-A", "-t", "10.0.0.1:80", "-s", "foo"));
    }

    @Test
    void editIpv6ServicePutsToItsPercentEncodedPath() {
        director.answer("PUT", "/api/v1/services/tcp/%5B2001:db8::1%5D:80", 200, "{}");
        assertEquals(ok(""), vsadm("-E", "-t", "[2001:db8::1]:80", "-s", "rr", "-p", "60", "-M", "64"));
        assertEquals(List.of(new Request("PUT", "/api/v1/services/tcp/%5B2001:db8::1%5D:80", JSON,
                "{\"protocol\":\"tcp\",\"address\":\"[2001:db8::1]:80\",\"scheduler\":\"rr\",\"flags\":[],"
                        + "\"persistence\":{\"timeout\":60,\"netmask\":\"64\"},\"ops\":false}")), director.requests());
    }

    @Test
    void deleteService() {
        director.answer("DELETE", "/api/v1/services/udp/10.0.0.1:53", 204, "");
        assertEquals(ok(""), vsadm("-D", "-u", "10.0.0.1:53"));
        assertEquals(List.of(new Request("DELETE", "/api/v1/services/udp/10.0.0.1:53", null, "")), director.requests());
    }

    @Test
    void clear() {
        director.answer("DELETE", "/api/v1/services", 204, "");
        assertEquals(ok(""), vsadm("-C"));
        assertEquals(List.of(new Request("DELETE", "/api/v1/services", null, "")), director.requests());
    }

    @Test
    void addServer() {
        director.answer("POST", "/api/v1/services/tcp/10.0.0.1:80/servers", 201, "{}");
        assertEquals(ok(""), vsadm("-a", "-t", "10.0.0.1:80", "-r", "10.1.0.1:8080", "-w", "3", "-x", "100", "-y", "50"));
        assertEquals(List.of(new Request("POST", "/api/v1/services/tcp/10.0.0.1:80/servers", JSON,
                "{\"address\":\"10.1.0.1:8080\",\"forward\":\"masq\",\"weight\":3,\"upper\":100,\"lower\":50}")),
                director.requests());
    }

    @Test
    void addServerWithoutPortGetsTheServicesPort() {
        director.answer("POST", "/api/v1/services/tcp/10.0.0.1:80/servers", 201, "{}");
        assertEquals(ok(""), vsadm("-a", "-t", "10.0.0.1:80", "-r", "web1.example.com"));
        assertEquals(List.of(new Request("POST", "/api/v1/services/tcp/10.0.0.1:80/servers", JSON,
                "{\"address\":\"10.1.0.1:80\",\"forward\":\"masq\",\"weight\":1,\"upper\":0,\"lower\":0}")),
                director.requests());
    }

    @Test
    void editServerWithDirectRoutingIsSentAndTheDirectorsRefusalPrinted() {
        director.problem("PUT", "/api/v1/services/tcp/10.0.0.1:80/servers/10.1.0.1:80", 400,
                "urn:vsd:problem:validation", "Invalid request", "forwarding method route is not supported");
        assertEquals(failed("forwarding method route is not supported"),
                vsadm("-e", "-t", "10.0.0.1:80", "-r", "10.1.0.1:80", "-g", "-w", "0"));
        assertEquals(List.of(new Request("PUT", "/api/v1/services/tcp/10.0.0.1:80/servers/10.1.0.1:80", JSON,
                "{\"address\":\"10.1.0.1:80\",\"forward\":\"route\",\"weight\":0,\"upper\":0,\"lower\":0}")),
                director.requests());
    }

    @Test
    void addServerWithTunnelingIsSentAsTunnel() {
        director.answer("POST", "/api/v1/services/tcp/10.0.0.1:80/servers", 201, "{}");
        vsadm("-a", "-t", "10.0.0.1:80", "-r", "10.1.0.1", "-i");
        assertEquals("{\"address\":\"10.1.0.1:80\",\"forward\":\"tunnel\",\"weight\":1,\"upper\":0,\"lower\":0}",
                director.requests().getFirst().body());
    }

    @Test
    void deleteIpv6Server() {
        director.answer("DELETE", "/api/v1/services/tcp/%5B2001:db8::1%5D:80/servers/%5B2001:db8::2%5D:8080", 204, "");
        assertEquals(ok(""), vsadm("-d", "-t", "[2001:db8::1]:80", "-r", "[2001:db8::2]:8080"));
        assertEquals(List.of(new Request("DELETE", "/api/v1/services/tcp/%5B2001:db8::1%5D:80/servers/%5B2001:db8::2%5D:8080",
                null, "")), director.requests());
    }

    @Test
    void deleteAnUnknownServerIsTheDirectors404() {
        director.problem("DELETE", "/api/v1/services/tcp/10.0.0.1:80/servers/10.1.0.9:80", 404,
                "urn:vsd:problem:not-found", "Not found", "no such real server 10.1.0.9:80");
        assertEquals(failed("no such real server 10.1.0.9:80"), vsadm("-d", "-t", "10.0.0.1:80", "-r", "10.1.0.9"));
    }

    @Test
    void aMultiLineDetailIsPrintedOnOneLine() {
        director.problem("DELETE", "/api/v1/services", 409, "urn:vsd:problem:conflict", "Conflict",
                "table changed\\n  try again");
        assertEquals(failed("table changed try again"), vsadm("-C"));
    }

    @Test
    void aProblemWithoutDetailIsPrintedAsItsTitle() {
        director.raw("DELETE", "/api/v1/services", 405, "application/problem+json",
                "{\"type\":\"urn:vsd:problem:method-not-allowed\",\"title\":\"Method not allowed\",\"status\":405}");
        assertEquals(failed("Method not allowed"), vsadm("-C"));
    }

    @Test
    void anErrorThatIsNoProblemDocumentIsPrintedAsItsStatus() {
        director.raw("POST", "/api/v1/services", 502, "text/html", "<html>Bad gateway</html>");
        assertEquals(failed("the director answered HTTP 502 to POST /api/v1/services"), vsadm("-A", "-t", "10.0.0.1:80"));
    }

    @Test
    void aBrokenAnswerToAListIsOneLine() {
        director.answer("GET", "/api/v1/info", 200, INFO).raw("GET", "/api/v1/services", 200, JSON, "{\"services\": [");
        VsadmRun run = vsadm("-L", "-n");
        assertEquals(1, run.exitCode());
        assertEquals("", run.out());
        assertTrue(run.err().startsWith("vsadm: unexpected answer from the director to GET /api/v1/services: "), run.err());
        assertEquals(1, run.err().lines().count(), run.err());
    }

    @Test
    void anUnreachableDirectorIsOneLine() throws IOException {
        int port;
        try (ServerSocket socket = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
            port = socket.getLocalPort();
        }
        assertEquals(failed("cannot reach the director at http://127.0.0.1:" + port + ": Connection refused"),
                VsadmRun.run(Map.of(DirectorUrl.ENV, "http://127.0.0.1:" + port), "-L", "-n"));
    }

    @Test
    void serverOptionComesBeforeTheEnvironment() {
        director.answer("DELETE", "/api/v1/services", 204, "");
        assertEquals(ok(""), VsadmRun.run(VsadmRun.NO_DIRECTOR, "-C", "--server", director.url() + "/"));
        assertEquals(1, director.requests().size());
    }

    @Test
    void environmentMayNameHostAndPortOnly() {
        director.answer("DELETE", "/api/v1/services", 204, "");
        assertEquals(ok(""), VsadmRun.run(Map.of(DirectorUrl.ENV, director.url().substring("http://".length())), "-C"));
        assertEquals(1, director.requests().size());
    }

    @Test
    void usageErrorsSendNothing() {
        assertEquals(2, vsadm("-a", "-t", "10.0.0.1:80", "-r", "10.1.0.1", "-w", "70000").exitCode());
        assertEquals(List.of(), director.requests());
    }

    // ---- -S and -R ----

    @Test
    void saveNumericIsIpvsadmsRuleFormatSortedAsIpvsadmSorts() {
        director.answer("GET", "/api/v1/services", 200, TABLE);
        assertEquals(ok("""
                -A -t 10.2.0.1:9200 -s wrr
                -a -t 10.2.0.1:9200 -r 10.1.105.1:3306 -m -w 1
                -a -t 10.2.0.1:9200 -r 10.1.105.2:3306 -m -w 2
                -A -t 127.0.0.1:80 -s wrr -p 600 -M 255.255.255.0 -b sh-port
                -a -t 127.0.0.1:80 -r 10.1.0.1:80 -m -w 1
                -A -t 200.0.0.1:80 -s wlc
                -A -u 10.2.0.1:53 -s rr -o
                -a -u 10.2.0.1:53 -r 10.1.0.2:53 -m -w 1
                -A -t [2001:db8::1]:80 -s wlc -p 300
                -a -t [2001:db8::1]:80 -r [2001:db8::5]:80 -m -w 1
                """), vsadm("-S", "-n"));
        assertEquals(List.of(new Request("GET", "/api/v1/services", null, "")), director.requests());
    }

    @Test
    void saveWithoutNumericResolvesNamesAsIpvsadmDoes() {
        director.answer("GET", "/api/v1/services", 200, TABLE);
        assertEquals(ok("""
                -A -t 10.2.0.1:9200 -s wrr
                -a -t 10.2.0.1:9200 -r 10.1.105.1:mysql -m -w 1
                -a -t 10.2.0.1:9200 -r 10.1.105.2:mysql -m -w 2
                -A -t localhost:http -s wrr -p 600 -M 255.255.255.0 -b sh-port
                -a -t localhost:http -r web1.example.com:http -m -w 1
                -A -t 200.0.0.1:http -s wlc
                -A -u 10.2.0.1:domain -s rr -o
                -a -u 10.2.0.1:domain -r 10.1.0.2:domain -m -w 1
                -A -t [2001:db8::1]:http -s wlc -p 300
                -a -t [2001:db8::1]:http -r [db6.example.com]:http -m -w 1
                """), vsadm("-S"));
    }

    @Test
    void saveWritesTheConfiguredWeightAndEachForwardingSwitch() {
        director.answer("GET", "/api/v1/services", 200, """
                {"version": 3, "services": [{"protocol": "tcp", "address": "10.0.0.1:80", "scheduler": "wlc",
                 "servers": [{"address": "10.0.1.1:80", "forward": "route", "weight": 3, "upper": 9, "lower": 2,
                              "health": {"state": "down", "effectiveWeight": 0}},
                             {"address": "10.0.1.2:80", "forward": "tunnel", "weight": 0}]}]}""");
        assertEquals(ok("""
                -A -t 10.0.0.1:80 -s wlc
                -a -t 10.0.0.1:80 -r 10.0.1.1:80 -g -w 3
                -a -t 10.0.0.1:80 -r 10.0.1.2:80 -i -w 0
                """), vsadm("-Sn"));
    }

    private VsadmRun restore(String rules) {
        return VsadmRun.runWithInput(env, new FakeResolver(), rules, "-R");
    }

    @Test
    void restoreSendsEveryLineAsOneBatch() {
        director.answer("POST", "/api/v1/batch", 200, "{\"version\": 9, \"operations\": 5}");
        assertEquals(ok(""), restore("""
                # saved by ipvsadm -S
                -C

                ipvsadm -A -t 10.0.0.1:80 -s rr -p 300 -M 255.255.255.0
                -a -t 10.0.0.1:80 -r 10.0.1.1:8080 -m -w 2
                  -e -t 10.0.0.1:80 -r 10.0.1.1:8080 -w 3
                -d -t 10.0.0.1:80 -r 10.0.1.1:8080
                """));
        assertEquals(List.of(new Request("POST", "/api/v1/batch", JSON, "{\"operations\":["
                + "{\"action\":\"clear\",\"line\":2},"
                + "{\"action\":\"add-service\",\"body\":{\"protocol\":\"tcp\",\"address\":\"10.0.0.1:80\","
                + "\"scheduler\":\"rr\",\"flags\":[],\"persistence\":{\"timeout\":300,\"netmask\":\"255.255.255.0\"},"
                + "\"ops\":false},\"line\":4},"
                + "{\"action\":\"add-server\",\"service\":\"tcp/10.0.0.1:80\",\"body\":{\"address\":\"10.0.1.1:8080\","
                + "\"forward\":\"masq\",\"weight\":2,\"upper\":0,\"lower\":0},\"line\":5},"
                + "{\"action\":\"edit-server\",\"service\":\"tcp/10.0.0.1:80\",\"server\":\"10.0.1.1:8080\","
                + "\"body\":{\"address\":\"10.0.1.1:8080\",\"forward\":\"masq\",\"weight\":3,\"upper\":0,\"lower\":0},"
                + "\"line\":6},"
                + "{\"action\":\"delete-server\",\"service\":\"tcp/10.0.0.1:80\",\"server\":\"10.0.1.1:8080\",\"line\":7}"
                + "]}")), director.requests());
    }

    @Test
    void restoreWithABadLineNamesItAndSendsNothing() {
        assertEquals(new VsadmRun(2, "", "vsadm: line 3: illegal weight specified: 70000\n"), restore("""
                -A -t 10.0.0.1:80 -s rr
                -a -t 10.0.0.1:80 -r 10.0.1.1 -w 1
                -a -t 10.0.0.1:80 -r 10.0.1.2 -w 70000
                -a -t 10.0.0.1:80 -r 10.0.1.3 -w 1
                """));
        assertEquals(new VsadmRun(2, "", "vsadm: line 2: only changes (-A -E -D -C -a -e -d --set) can be restored: -L -n\n"),
                restore("-C\n-L -n\n"));
        assertEquals(new VsadmRun(2, "", "vsadm: line 1: unknown option --bogus\n"), restore("ipvsadm --bogus\n"));
        assertEquals(List.of(), director.requests());
    }

    @Test
    void restoreRefusedByTheDirectorIsItsOneLine() {
        director.problem("POST", "/api/v1/batch", 409, "urn:vsd:problem:conflict", "Already exists",
                "operation 2 (line 2): virtual service tcp/10.0.0.1:80 already exists");
        assertEquals(failed("operation 2 (line 2): virtual service tcp/10.0.0.1:80 already exists"),
                restore("-A -t 10.0.0.1:80\n-A -t 10.0.0.1:80\n"));
    }

    // ---- --stats, --rate, --exact, -Z ----

    private static final String COUNTED = """
            {"version": 3, "services": [{"protocol": "tcp", "address": "10.3.0.42:80", "scheduler": "wlc",
             "stats": {"activeConns": 1, "inactConns": 0, "conns": 14209, "inPkts": 111769, "outPkts": 74613,
                       "inBytes": 7207174, "outBytes": 1234567890},
             "rates": {"cps": 12, "inPps": 345, "outPps": 300, "inBps": 40000, "outBps": 123456789},
             "servers": [{"address": "10.2.1.22:80", "forward": "masq", "weight": 1,
                          "stats": {"conns": 2, "inPkts": 12, "outPkts": 8, "inBytes": 774, "outBytes": 894},
                          "rates": {"cps": 1, "inPps": 2, "outPps": 3, "inBps": 4, "outBps": 5}}]}]}""";

    @Test
    void listStatsIsIpvsadmsLayout() {
        director.answer("GET", "/api/v1/info", 200, INFO).answer("GET", "/api/v1/services", 200, COUNTED);
        assertEquals(ok(HEADER
                + "Prot LocalAddress:Port               Conns   InPkts  OutPkts  InBytes OutBytes\n"
                + "  -> RemoteAddress:Port\n"
                + "TCP  10.3.0.42:80                    14209   111769    74613  7207174    1234M\n"
                + "  -> 10.2.1.22:80                        2       12        8      774      894\n"), vsadm("-L", "-n", "--stats"));
        assertEquals(ok(HEADER
                + "Prot LocalAddress:Port               Conns   InPkts  OutPkts  InBytes OutBytes\n"
                + "  -> RemoteAddress:Port\n"
                + "TCP  10.3.0.42:80                    14209   111769    74613  7207174 1234567890\n"
                + "  -> 10.2.1.22:80                        2       12        8      774      894\n"), vsadm("-Ln", "--stats", "--exact"));
    }

    @Test
    void listRateIsIpvsadmsLayout() {
        director.answer("GET", "/api/v1/info", 200, INFO).answer("GET", "/api/v1/services", 200, COUNTED);
        assertEquals(ok(HEADER
                + "Prot LocalAddress:Port                 CPS    InPPS   OutPPS    InBPS   OutBPS\n"
                + "  -> RemoteAddress:Port\n"
                + "TCP  10.3.0.42:80                       12      345      300    40000  123456K\n"
                + "  -> 10.2.1.22:80                        1        2        3        4        5\n"), vsadm("-L", "-n", "--rate"));
    }

    @Test
    void zeroAllOrOneService() {
        director.answer("POST", "/api/v1/stats/zero", 204, "")
                .answer("POST", "/api/v1/services/tcp/10.0.0.1:80/stats/zero", 204, "");
        assertEquals(ok(""), vsadm("-Z"));
        assertEquals(ok(""), vsadm("-Z", "-t", "10.0.0.1:80"));
        assertEquals(List.of(new Request("POST", "/api/v1/stats/zero", null, ""),
                new Request("POST", "/api/v1/services/tcp/10.0.0.1:80/stats/zero", null, "")), director.requests());
    }
}
