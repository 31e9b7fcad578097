package io.vsd.admin.vsadm;

import static org.junit.jupiter.api.Assertions.assertEquals;

import io.vsd.admin.vsadm.IpvsadmLayouts.ServerRow;
import io.vsd.admin.vsadm.IpvsadmLayouts.ServiceRow;
import java.util.List;
import org.junit.jupiter.api.Test;

/** Golden text of ipvsadm's layouts, trailing spaces included (they are in string literals, not text blocks). */
class IpvsadmLayoutsTest {

    @Test
    void versionHeader() {
        assertEquals("IP Virtual Server version 1.2.1 (size=4096)", IpvsadmLayouts.versionHeader(4096));
        assertEquals("IP Virtual Server version 1.2.1 (size=1048576)", IpvsadmLayouts.versionHeader(1048576));
    }

    @Test
    void timeoutLine() {
        assertEquals("Timeout (tcp tcpfin udp): 900 120 300", IpvsadmLayouts.timeouts(900, 120, 300));
        assertEquals("Timeout (tcp tcpfin udp): 2678400 1 5", IpvsadmLayouts.timeouts(2678400, 1, 5));
    }

    @Test
    void connectionList() {
        assertEquals("IPVS connection entries", IpvsadmLayouts.CONNECTIONS_HEADER);
        assertEquals("pro expire state       source             virtual            destination",
                IpvsadmLayouts.CONNECTIONS_TITLE);
        assertEquals("pro expire state       source             virtual            destination        pe name          pe_data",
                IpvsadmLayouts.CONNECTIONS_TITLE_PERSISTENT);
        // The reference's own capture.
        assertEquals("TCP 00:37  SYN_RECV    192.168.1.20:55746 192.168.1.10:80    192.168.1.15:80",
                IpvsadmLayouts.connection("TCP", 37, "SYN_RECV", "192.168.1.20:55746", "192.168.1.10:80", "192.168.1.15:80"));
        assertEquals("TCP 15:00  ESTABLISHED 127.0.0.1:40000    127.0.0.1:8080     127.0.0.1:9001",
                IpvsadmLayouts.connection("TCP", 900, "ESTABLISHED", "127.0.0.1:40000", "127.0.0.1:8080", "127.0.0.1:9001"));
        assertEquals("TCP 01:59  FIN_WAIT    127.0.0.1:40001    127.0.0.1:8080     127.0.0.1:9002",
                IpvsadmLayouts.connection("TCP", 119, "FIN_WAIT", "127.0.0.1:40001", "127.0.0.1:8080", "127.0.0.1:9002"));
        // Over 99 minutes the minutes widen (%02d) and push the columns right by what %-6s cannot hold.
        assertEquals("TCP 120:00 CLOSE_WAIT  [::1]:40002        [::1]:8080         [::1]:9003",
                IpvsadmLayouts.connection("TCP", 7200, "CLOSE_WAIT", "[::1]:40002", "[::1]:8080", "[::1]:9003"));
        assertEquals("TCP 1000:00 ESTABLISHED 127.0.0.1:40003    localhost:http-alt 127.0.0.1:9001",
                IpvsadmLayouts.connection("TCP", 60000, "ESTABLISHED", "127.0.0.1:40003", "localhost:http-alt", "127.0.0.1:9001"));
    }

    @Test
    void title() {
        assertEquals("Prot LocalAddress:Port Scheduler Flags\n"
                + "  -> RemoteAddress:Port           Forward Weight ActiveConn InActConn", IpvsadmLayouts.TITLE);
    }

    @Test
    void addressPort() {
        assertEquals("10.2.0.1:9200", IpvsadmLayouts.addressPort("10.2.0.1", "9200", false));
        assertEquals("localhost:http", IpvsadmLayouts.addressPort("localhost", "http", false));
        assertEquals("[2001:db8::1]:80", IpvsadmLayouts.addressPort("2001:db8::1", "80", true));
        assertEquals("[db6.example.com]:https", IpvsadmLayouts.addressPort("db6.example.com", "https", true));
    }

    private static ServiceRow row(Protocol protocol, String name, boolean ipv6, String scheduler, List<String> flags,
                                  long timeout, String mask, boolean ops) {
        return new ServiceRow(protocol, name, ipv6, scheduler, flags, timeout, mask, ops);
    }

    @Test
    void plainService() {
        assertEquals("TCP  10.2.0.1:9200 wrr",
                IpvsadmLayouts.service(row(Protocol.TCP, "10.2.0.1:9200", false, "wrr", List.of(), 0, null, false)));
        assertEquals("UDP  10.2.0.1:53 wlc",
                IpvsadmLayouts.service(row(Protocol.UDP, "10.2.0.1:53", false, "wlc", List.of(), 0, null, false)));
    }

    @Test
    void persistentServiceWithTheHostMaskPrintsNoMask() {
        assertEquals("TCP  10.2.0.1:80 rr persistent 300",
                IpvsadmLayouts.service(row(Protocol.TCP, "10.2.0.1:80", false, "rr", List.of(), 300, "255.255.255.255", false)));
        assertEquals("TCP  [2001:db8::1]:80 rr persistent 300",
                IpvsadmLayouts.service(row(Protocol.TCP, "[2001:db8::1]:80", true, "rr", List.of(), 300, "128", false)));
    }

    @Test
    void everyServiceFlagInIpvsadmOrder() {
        assertEquals("UDP  10.2.0.1:53 sh (sh-fallback,sh-port) persistent 600 mask 255.255.255.0 ops",
                IpvsadmLayouts.service(row(Protocol.UDP, "10.2.0.1:53", false, "sh", List.of("sh-fallback", "sh-port"),
                        600, "255.255.255.0", true)));
        assertEquals("UDP  [2001:db8::1]:53 wlc persistent 60 mask 64",
                IpvsadmLayouts.service(row(Protocol.UDP, "[2001:db8::1]:53", true, "wlc", List.of(), 60, "64", false)));
        assertEquals("UDP  10.2.0.1:53 wlc ops",
                IpvsadmLayouts.service(row(Protocol.UDP, "10.2.0.1:53", false, "wlc", List.of(), 0, null, true)));
        assertEquals("TCP  10.2.0.1:80 wlc (flag-1)",
                IpvsadmLayouts.service(row(Protocol.TCP, "10.2.0.1:80", false, "wlc", List.of("flag-1"), 0, null, false)));
    }

    @Test
    void ipv4ServiceNameIsCutTo33CharactersAsIpvsadmCutsIt() {
        assertEquals("TCP  a-rather-long-host-name.exam wlc",
                IpvsadmLayouts.service(row(Protocol.TCP, "a-rather-long-host-name.example.com:http", false, "wlc",
                        List.of(), 0, null, false)));
        assertEquals("TCP  [a-rather-long-host-name.example.com]:http wlc",
                IpvsadmLayouts.service(row(Protocol.TCP, "[a-rather-long-host-name.example.com]:http", true, "wlc",
                        List.of(), 0, null, false)));
    }

    @Test
    void serverLinePadsEveryColumnIncludingTheLast() {
        assertEquals("  -> 10.1.105.1:3306              Masq    1      0          0         ",
                IpvsadmLayouts.server(new ServerRow("10.1.105.1:3306", false, "Masq", 1, 0, 0)));
        assertEquals("  -> 10.1.105.2:3306              Route   0      12         345       ",
                IpvsadmLayouts.server(new ServerRow("10.1.105.2:3306", false, "Route", 0, 12, 345)));
        assertEquals("  -> 255.255.255.255:65535        Tunnel  65535  4294967295 4294967295",
                IpvsadmLayouts.server(new ServerRow("255.255.255.255:65535", false, "Tunnel", 65535, 4294967295L, 4294967295L)));
        assertEquals("  -> localhost:http               Local   1      12345678901 0         ",
                IpvsadmLayouts.server(new ServerRow("localhost:http", false, "Local", 1, 12345678901L, 0)));
    }

    @Test
    void serverNameIsCutTo28CharactersForIpv4Only() {
        assertEquals("  -> a-rather-long-host-name.exam Masq    1      0          0         ",
                IpvsadmLayouts.server(new ServerRow("a-rather-long-host-name.example.com:http", false, "Masq", 1, 0, 0)));
        assertEquals("  -> [2001:db8:1234:5678:9abc:def0:1:2]:8080 Masq    1      0          0         ",
                IpvsadmLayouts.server(new ServerRow("[2001:db8:1234:5678:9abc:def0:1:2]:8080", true, "Masq", 1, 0, 0)));
        assertEquals("  -> [2001:db8::2]:80             Masq    2      1          0         ",
                IpvsadmLayouts.server(new ServerRow("[2001:db8::2]:80", true, "Masq", 2, 1, 0)));
    }

    @Test
    void thresholdsLayout() {
        assertEquals("Prot LocalAddress:Port            Uthreshold Lthreshold ActiveConn InActConn \n"
                + "  -> RemoteAddress:Port", IpvsadmLayouts.title(Command.Columns.THRESHOLDS));
        ServerRow r = new ServerRow("10.1.105.1:3306", false, "Masq", 2, 7, 3, 100, 50, 4);
        assertEquals("  -> 10.1.105.1:3306              100        50         7          3         ",
                IpvsadmLayouts.server(r, Command.Columns.THRESHOLDS));
    }

    @Test
    void persistentConnLayout() {
        assertEquals("Prot LocalAddress:Port            Weight    PersistConn ActiveConn InActConn \n"
                + "  -> RemoteAddress:Port", IpvsadmLayouts.title(Command.Columns.PERSISTENT_CONN));
        ServerRow r = new ServerRow("10.1.105.1:3306", false, "Masq", 2, 7, 3, 100, 50, 4);
        assertEquals("  -> 10.1.105.1:3306              2         4           7          3         ",
                IpvsadmLayouts.server(r, Command.Columns.PERSISTENT_CONN));
    }

    @Test
    void saveRulesInIpvsadmOrder() {
        String name = IpvsadmLayouts.ruleServiceName(Protocol.TCP, "207.175.44.110:80");
        assertEquals("-t 207.175.44.110:80", name);
        assertEquals("-A -t 207.175.44.110:80 -s rr -p 300 -M 255.255.255.0", IpvsadmLayouts.ruleService(name,
                row(Protocol.TCP, null, false, "rr", List.of(), 300, "255.255.255.0", false)));
        assertEquals("-A -t 207.175.44.110:80 -s wlc", IpvsadmLayouts.ruleService(name,
                row(Protocol.TCP, null, false, "wlc", List.of(), 0, null, false)));
        assertEquals("-A -t 207.175.44.110:80 -s wlc -p 300", IpvsadmLayouts.ruleService(name,
                row(Protocol.TCP, null, false, "wlc", List.of(), 300, "255.255.255.255", false)));
        String udp = IpvsadmLayouts.ruleServiceName(Protocol.UDP, "[2001:db8::1]:53");
        assertEquals("-A -u [2001:db8::1]:53 -s sh -p 60 -M 64 -o -b sh-fallback,sh-port", IpvsadmLayouts.ruleService(udp,
                row(Protocol.UDP, null, true, "sh", List.of("sh-fallback", "sh-port"), 60, "64", true)));
        assertEquals("-a -t 207.175.44.110:80 -r 192.168.10.1:80 -m -w 1",
                IpvsadmLayouts.ruleServer(name, "192.168.10.1:80", Forward.MASQ, 1));
        assertEquals("-a -t 207.175.44.110:80 -r 192.168.10.2:80 -g -w 0",
                IpvsadmLayouts.ruleServer(name, "192.168.10.2:80", Forward.ROUTE, 0));
        assertEquals("-a -u [2001:db8::1]:53 -r [2001:db8::5]:53 -i -w 65535",
                IpvsadmLayouts.ruleServer(udp, "[2001:db8::5]:53", Forward.TUNNEL, 65535));
    }

    @Test
    void statsAndRateTitles() {
        assertEquals("Prot LocalAddress:Port               Conns   InPkts  OutPkts  InBytes OutBytes\n"
                + "  -> RemoteAddress:Port", IpvsadmLayouts.title(Command.Columns.STATS));
        assertEquals("Prot LocalAddress:Port                 CPS    InPPS   OutPPS    InBPS   OutBPS\n"
                + "  -> RemoteAddress:Port", IpvsadmLayouts.title(Command.Columns.RATE));
    }

    @Test
    void statsLinesAsIpvsadmPrintsThem() {
        // The capture in ipvsadm-formats.md.
        assertEquals("TCP  10.3.0.42:80                    14209   111769    74613  7207174  8334358",
                IpvsadmLayouts.serviceCounters(row(Protocol.TCP, "10.3.0.42:80", false, "wlc", List.of(), 0, null, false),
                        new long[] {14209, 111769, 74613, 7207174, 8334358}, false));
        assertEquals("  -> 10.2.1.22:80                        2       12        8      774      894",
                IpvsadmLayouts.serverStats("10.2.1.22:80", false, new long[] {2, 12, 8, 774, 894}, false));
        // IPv6 names are not cut and push the numbers right, as in ipvsadm.
        assertEquals("TCP  [2001:db8:1234:5678:9abc:def0::1]:443        0        0        0        0        0",
                IpvsadmLayouts.serviceCounters(row(Protocol.TCP, "[2001:db8:1234:5678:9abc:def0::1]:443", true, "wlc", List.of(), 0,
                        null, false), new long[5], false));
        assertEquals("  -> [2001:db8:1234:5678:9abc::10]:443        0        0        0        0        0",
                IpvsadmLayouts.serverStats("[2001:db8:1234:5678:9abc::10]:443", true, new long[5], false));
    }

    @Test
    void rateLinesAsIpvsadmPrintsThem() {
        assertEquals("TCP  10.3.0.42:80                       12      345      300    40000   123456",
                IpvsadmLayouts.serviceCounters(row(Protocol.TCP, "10.3.0.42:80", false, "wlc", List.of(), 0, null, false),
                        new long[] {12, 345, 300, 40000, 123456}, false));
        assertEquals("  -> 10.2.1.22:80                        3       45       30     4000  123456K",
                IpvsadmLayouts.serverRates("10.2.1.22:80", false, 3, 45, 30, 4000, 123_456_789, false));
        assertEquals("  -> 10.2.1.22:80                        3       45       30     4000 123456789",
                IpvsadmLayouts.serverRates("10.2.1.22:80", false, 3, 45, 30, 4000, 123_456_789, true));
    }

    @Test
    void largeNumbersAsPrintLargenum() {
        assertEquals("        0", IpvsadmLayouts.largeNumber(0, false));
        assertEquals(" 99999999", IpvsadmLayouts.largeNumber(99_999_999, false));
        assertEquals("  100000K", IpvsadmLayouts.largeNumber(100_000_000, false));
        assertEquals("  999999K", IpvsadmLayouts.largeNumber(999_999_999, false));
        assertEquals("    1000M", IpvsadmLayouts.largeNumber(1_000_000_000, false));
        assertEquals("   99999M", IpvsadmLayouts.largeNumber(99_999_999_999L, false));
        assertEquals("     100G", IpvsadmLayouts.largeNumber(100_000_000_000L, false));
        assertEquals("   99999G", IpvsadmLayouts.largeNumber(99_999_999_999_999L, false));
        assertEquals("     100T", IpvsadmLayouts.largeNumber(100_000_000_000_000L, false));
        assertEquals(" 9223372T", IpvsadmLayouts.largeNumber(Long.MAX_VALUE, false));
        // --exact: full numbers, 9 wide up to 8 digits, else one space and the digits.
        assertEquals("        0", IpvsadmLayouts.largeNumber(0, true));
        assertEquals(" 12345678", IpvsadmLayouts.largeNumber(12_345_678, true));
        assertEquals(" 123456789", IpvsadmLayouts.largeNumber(123_456_789, true));
        assertEquals(" 1234567890123", IpvsadmLayouts.largeNumber(1_234_567_890_123L, true));
    }
}
