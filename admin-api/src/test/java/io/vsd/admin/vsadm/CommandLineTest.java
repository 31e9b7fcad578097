package io.vsd.admin.vsadm;

import static io.vsd.admin.vsadm.FakeResolver.ip;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;

import io.vsd.admin.vsadm.Command.AddServer;
import io.vsd.admin.vsadm.Command.AddService;
import io.vsd.admin.vsadm.Command.Clear;
import io.vsd.admin.vsadm.Command.DeleteServer;
import io.vsd.admin.vsadm.Command.DeleteService;
import io.vsd.admin.vsadm.Command.EditServer;
import io.vsd.admin.vsadm.Command.EditService;
import io.vsd.admin.vsadm.Command.Help;
import io.vsd.admin.vsadm.Command.ListFormat;
import io.vsd.admin.vsadm.Command.ListTable;
import io.vsd.admin.vsadm.Command.Persistence;
import io.vsd.admin.vsadm.Command.RealServer;
import io.vsd.admin.vsadm.Command.ServiceAttributes;
import io.vsd.admin.vsadm.Command.Version;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

class CommandLineTest {
    private static final ServiceKey TCP_80 = tcp("10.0.0.1", 80);
    private static final ServiceAttributes DEFAULTS = new ServiceAttributes("wlc", List.of(), null, false);

    private static Command parse(String... args) throws VsadmException {
        return invocation(args).command();
    }

    private static CommandLine.Invocation invocation(String... args) throws VsadmException {
        return new CommandLine(new FakeResolver()).parse(List.of(args));
    }

    private static ServiceKey tcp(String ip, int port) {
        return new ServiceKey(Protocol.TCP, new Endpoint(ip(ip), port));
    }

    private static ServiceKey udp(String ip, int port) {
        return new ServiceKey(Protocol.UDP, new Endpoint(ip(ip), port));
    }

    private static Endpoint ep(String ip, int port) {
        return new Endpoint(ip(ip), port);
    }

    @Test
    void addServiceTakesIpvsadmDefaults() throws Exception {
        assertEquals(new AddService(TCP_80, DEFAULTS), parse("-A", "-t", "10.0.0.1:80"));
    }

    @Test
    void addServiceLongForms() throws Exception {
        assertEquals(new AddService(TCP_80, new ServiceAttributes("rr", List.of("sh-fallback", "sh-port"),
                        new Persistence(600, "255.255.255.0"), false)),
                parse("--add-service", "--tcp-service", "10.0.0.1:80", "--scheduler", "rr", "--persistent", "600",
                        "--netmask", "255.255.255.0", "--sched-flags", "sh-fallback,sh-port"));
    }

    @Test
    void longFormsTakeValuesAfterEquals() throws Exception {
        assertEquals(new AddService(TCP_80, new ServiceAttributes("rr", List.of(), new Persistence(600, "255.255.255.255"), false)),
                parse("--add-service", "--tcp-service=10.0.0.1:80", "--scheduler=rr", "--persistent=600"));
    }

    @Test
    void addUdpServiceShortForms() throws Exception {
        assertEquals(new AddService(udp("10.0.0.1", 53), new ServiceAttributes("wrr", List.of("flag-1"),
                        new Persistence(300, "255.255.255.255"), true)),
                parse("-A", "-u", "10.0.0.1:53", "-s", "wrr", "-p", "-o", "-b", "flag-1"));
    }

    @Test
    void opsLongForm() throws Exception {
        assertEquals(new AddService(udp("10.0.0.1", 53), new ServiceAttributes("wlc", List.of(), null, true)),
                parse("--add-service", "--udp-service", "10.0.0.1:53", "--ops"));
    }

    @Test
    void persistentTakesTheNextWordOnlyWhenItIsANumber() throws Exception {
        ServiceAttributes rr300 = new ServiceAttributes("rr", List.of(), new Persistence(300, "255.255.255.255"), false);
        assertEquals(new AddService(TCP_80, rr300), parse("-A", "-t", "10.0.0.1:80", "-p", "-s", "rr"));
        assertEquals(new AddService(TCP_80, rr300), parse("-A", "-p", "-t", "10.0.0.1:80", "-s", "rr"));
        ServiceAttributes wlc900 = new ServiceAttributes("wlc", List.of(), new Persistence(900, "255.255.255.255"), false);
        assertEquals(new AddService(TCP_80, wlc900), parse("-A", "-t", "10.0.0.1:80", "-p", "900"));
        assertEquals(new AddService(TCP_80, wlc900), parse("-A", "-t", "10.0.0.1:80", "-p900"));
        assertEquals(new AddService(TCP_80, wlc900), parse("-A", "-t", "10.0.0.1:80", "--persistent", "900"));
    }

    @Test
    void editService() throws Exception {
        assertEquals(new EditService(TCP_80, new ServiceAttributes("lc", List.of(), null, false)),
                parse("-E", "-t", "10.0.0.1:80", "-s", "lc"));
        assertEquals(new EditService(TCP_80, DEFAULTS), parse("--edit-service", "--tcp-service", "10.0.0.1:80"));
    }

    @Test
    void ipv6ServiceInBracketsWithPrefixLengthMask() throws Exception {
        ServiceKey v6 = tcp("2001:db8::1", 80);
        assertEquals(new AddService(v6, new ServiceAttributes("wlc", List.of(), new Persistence(300, "128"), false)),
                parse("-A", "-t", "[2001:db8::1]:80", "-p"));
        assertEquals(new AddService(v6, new ServiceAttributes("wlc", List.of(), new Persistence(300, "64"), false)),
                parse("-A", "-t", "[2001:db8::1]:80", "-p", "-M", "64"));
    }

    @Test
    void netmaskWithoutPersistenceIsTakenAndHasNoEffectAsInIpvsadm() throws Exception {
        assertEquals(new AddService(TCP_80, DEFAULTS), parse("-A", "-t", "10.0.0.1:80", "-M", "255.255.0.0"));
    }

    @Test
    void hostNamesAndServiceNamesAreResolvedHere() throws Exception {
        assertEquals(new AddService(tcp("10.1.0.1", 80), DEFAULTS), parse("-A", "-t", "web1.example.com:http"));
        assertEquals(new AddService(tcp("10.0.0.1", 80), DEFAULTS), parse("-A", "-t", "10.0.0.1:www"));
        assertEquals(new AddService(udp("10.0.0.1", 53), DEFAULTS), parse("-A", "-u", "10.0.0.1:domain"));
        assertEquals(new AddService(tcp("2001:db8::5", 443), DEFAULTS), parse("-A", "-t", "db6.example.com:https"));
    }

    @Test
    void deleteService() throws Exception {
        assertEquals(new DeleteService(TCP_80), parse("-D", "-t", "10.0.0.1:80"));
        assertEquals(new DeleteService(udp("10.0.0.1", 53)), parse("--delete-service", "--udp-service", "10.0.0.1:53"));
    }

    @Test
    void clear() throws Exception {
        assertEquals(new Clear(), parse("-C"));
        assertEquals(new Clear(), parse("--clear"));
    }

    @Test
    void addServerTakesIpvsadmDefaultsButMasq() throws Exception {
        assertEquals(new AddServer(TCP_80, new RealServer(ep("10.1.0.1", 80), Forward.MASQ, 1, 0, 0)),
                parse("-a", "-t", "10.0.0.1:80", "-r", "10.1.0.1"));
    }

    @Test
    void addServerShortForms() throws Exception {
        assertEquals(new AddServer(TCP_80, new RealServer(ep("10.1.0.1", 8080), Forward.MASQ, 3, 100, 50)),
                parse("-a", "-t", "10.0.0.1:80", "-r", "10.1.0.1:8080", "-m", "-w", "3", "-x", "100", "-y", "50"));
    }

    @Test
    void addServerLongForms() throws Exception {
        assertEquals(new AddServer(TCP_80, new RealServer(ep("10.1.0.1", 8080), Forward.MASQ, 0, 100, 50)),
                parse("--add-server", "--tcp-service", "10.0.0.1:80", "--real-server", "10.1.0.1:8080",
                        "--masquerading", "--weight", "0", "--u-threshold", "100", "--l-threshold", "50"));
    }

    @Test
    void editServerWithEachForwardingMethod() throws Exception {
        assertEquals(new EditServer(TCP_80, new RealServer(ep("10.1.0.1", 80), Forward.ROUTE, 1, 0, 0)),
                parse("-e", "-t", "10.0.0.1:80", "-r", "10.1.0.1:80", "-g"));
        assertEquals(new EditServer(TCP_80, new RealServer(ep("10.1.0.1", 80), Forward.ROUTE, 1, 0, 0)),
                parse("--edit-server", "-t", "10.0.0.1:80", "-r", "10.1.0.1:80", "--gatewaying"));
        assertEquals(new EditServer(TCP_80, new RealServer(ep("10.1.0.1", 80), Forward.TUNNEL, 1, 0, 0)),
                parse("-e", "-t", "10.0.0.1:80", "-r", "10.1.0.1:80", "-i"));
        assertEquals(new EditServer(TCP_80, new RealServer(ep("10.1.0.1", 80), Forward.TUNNEL, 1, 0, 0)),
                parse("-e", "-t", "10.0.0.1:80", "-r", "10.1.0.1:80", "--ipip"));
    }

    @Test
    void deleteServer() throws Exception {
        assertEquals(new DeleteServer(TCP_80, ep("10.1.0.1", 80)), parse("-d", "-t", "10.0.0.1:80", "-r", "10.1.0.1"));
        assertEquals(new DeleteServer(tcp("2001:db8::1", 80), ep("2001:db8::2", 8080)),
                parse("--delete-server", "--tcp-service", "[2001:db8::1]:80", "--real-server", "[2001:db8::2]:8080"));
    }

    @Test
    void realServerPortMayBeAServiceName() throws Exception {
        assertEquals(new DeleteServer(TCP_80, ep("10.1.0.1", 3306)), parse("-d", "-t", "10.0.0.1:80", "-r", "web1.example.com:mysql"));
    }

    @Test
    void listForms() throws Exception {
        ListTable all = new ListTable(null, new ListFormat(false, true));
        ListTable numeric = new ListTable(null, new ListFormat(true, true));
        assertEquals(all, parse("-L"));
        assertEquals(all, parse("-l"));
        assertEquals(all, parse("--list"));
        assertEquals(all, parse("-L", "--sort"));
        assertEquals(numeric, parse("-L", "-n"));
        assertEquals(numeric, parse("-Ln"));
        assertEquals(numeric, parse("-nL"));
        assertEquals(numeric, parse("--list", "--numeric"));
        assertEquals(new ListTable(null, new ListFormat(true, false)), parse("-L", "-n", "--nosort"));
        assertEquals(new ListTable(TCP_80, new ListFormat(true, true)), parse("-L", "-n", "-t", "10.0.0.1:80"));
        assertEquals(new ListTable(udp("10.0.0.1", 53), new ListFormat(false, true)), parse("-l", "--udp-service", "10.0.0.1:53"));
        assertEquals(new ListTable(null, new ListFormat(true, true, Command.Columns.THRESHOLDS)),
                parse("-L", "-n", "--thresholds"));
        assertEquals(new ListTable(null, new ListFormat(true, true, Command.Columns.PERSISTENT_CONN)),
                parse("-L", "-n", "--persistent-conn"));
        assertEquals(new ListTable(null, new ListFormat(false, true, Command.Columns.THRESHOLDS)),
                parse("-L", "--persistent-conn", "--thresholds"), "ipvsadm's print_title: --thresholds wins");
    }

    @Test
    void noArgumentsListsTheTableAsIpvsadmDoes() throws Exception {
        assertEquals(new ListTable(null, new ListFormat(false, true)), parse());
        CommandLine.Invocation invocation = invocation("--server", "http://10.0.0.9:9900");
        assertEquals(new ListTable(null, new ListFormat(false, true)), invocation.command());
        assertEquals("http://10.0.0.9:9900", invocation.server());
    }

    @Test
    void shortOptionsBundleAsPoptBundlesThem() throws Exception {
        assertEquals(new AddService(TCP_80, DEFAULTS), parse("-At", "10.0.0.1:80"));
        assertEquals(new AddService(TCP_80, DEFAULTS), parse("-At10.0.0.1:80"));
        assertEquals(new AddServer(TCP_80, new RealServer(ep("10.1.0.1", 80), Forward.MASQ, 5, 0, 0)),
                parse("-at", "10.0.0.1:80", "-r10.1.0.1", "-mw5"));
    }

    @Test
    void serverOption() throws Exception {
        assertEquals("http://h:1", invocation("-L", "--server", "http://h:1").server());
        assertEquals("http://h:2", invocation("--server=http://h:2", "-C").server());
        assertNull(invocation("-C").server());
    }

    @Test
    void helpAndVersion() throws Exception {
        assertEquals(new Help(), parse("-h"));
        assertEquals(new Help(), parse("--help"));
        assertEquals(new Version(), parse("-v"));
        assertEquals(new Version(), parse("--version"));
    }

    @ParameterizedTest(name = "{0}")
    @CsvSource(delimiter = '|', textBlock = """
            -A                                          | You need to supply the 'service-address' option for the 'add-service' command
            -E -s rr                                    | You need to supply the 'service-address' option for the 'edit-service' command
            -D                                          | You need to supply the 'service-address' option for the 'delete-service' command
            -a -t 10.0.0.1:80                           | You need to supply the 'real-server' option for the 'add-server' command
            -e -r 10.1.0.1 -t 10.0.0.1:80 -w 2 -s rr    | Illegal 'scheduler' option with the 'edit-server' command
            -d -t 10.0.0.1:80 -r 10.1.0.1 -w 2          | Illegal 'weight' option with the 'delete-server' command
            -a -r 10.1.0.1                              | You need to supply the 'service-address' option for the 'add-server' command
            -A -t 10.0.0.1:80 -r 10.1.0.1               | Illegal 'real-server' option with the 'add-service' command
            -D -t 10.0.0.1:80 -s rr                     | Illegal 'scheduler' option with the 'delete-service' command
            -C -n                                       | Illegal 'numeric' option with the 'clear' command
            -L -w 3                                     | Illegal 'weight' option with the 'list' command
            -L -p                                       | Illegal 'persistent' option with the 'list' command
            -a -t 10.0.0.1:80 -r 10.1.0.1 -o            | Illegal 'ops' option with the 'add-server' command
            -A -D -t 10.0.0.1:80                        | multiple commands specified
            -L -l                                       | multiple commands specified
            -Ln -C                                      | multiple commands specified
            -A -t 10.0.0.1:80 -s rr -s wrr              | multiple 'scheduler' options specified
            -A -t 10.0.0.1:80 -u 10.0.0.1:80            | multiple 'service-address' options specified
            -a -t 10.0.0.1:80 -r 10.1.0.1 -m -g         | multiple 'forwarding-method' options specified
            -L --server http://a:1 --server http://b:1  | multiple '--server' options specified
            --bogus                                     | unknown option --bogus
            -L -q                                       | unknown option -q
            -Lnq                                        | unknown option -q
            -L extra                                    | unexpected argument extra
            -L -- extra                                 | unexpected argument extra
            -n                                          | no command specified (try vsadm -h)
            -a -t 10.0.0.1:80 -r                        | option -r requires an argument
            -A --tcp-service                            | option --tcp-service requires an argument
            -L --numeric=yes                            | option --numeric takes no value
            -A -t 10.0.0.1:99999                        | illegal virtual server address[:port] specified: 10.0.0.1:99999 (port 99999 is outside 1..65535)
            -A -t 10.0.0.1:0                            | illegal virtual server address[:port] specified: 10.0.0.1:0 (port 0 is outside 1..65535)
            -A -t 10.0.0.1                              | illegal virtual server address[:port] specified: 10.0.0.1 (a virtual service needs a port)
            -A -t 10.0.0.1:                             | illegal virtual server address[:port] specified: 10.0.0.1: (no port after ':')
            -A -t 10.0.0.1:gopherx                      | illegal virtual server address[:port] specified: 10.0.0.1:gopherx (unknown port name gopherx/tcp)
            -A -u 10.0.0.1:mysql                        | illegal virtual server address[:port] specified: 10.0.0.1:mysql (unknown port name mysql/udp)
            -A -t 10.0.0.300:80                         | illegal virtual server address[:port] specified: 10.0.0.300:80 (malformed IPv4 address)
            -A -t 80                                    | illegal virtual server address[:port] specified: 80 (a number is not an address)
            -A -t :80                                   | illegal virtual server address[:port] specified: :80 (no host)
            -A -t nosuchhost:80                         | illegal virtual server address[:port] specified: nosuchhost:80 (unknown host nosuchhost)
            -A -t bad/host:80                           | illegal virtual server address[:port] specified: bad/host:80 (malformed host name)
            -A -t [2001:db8::1:80                       | illegal virtual server address[:port] specified: [2001:db8::1:80 (no closing ']')
            -A -t [2001:db8::1]80                       | illegal virtual server address[:port] specified: [2001:db8::1]80 (expected ':port' after ']')
            -A -t [2001:db8::g]:80                      | illegal virtual server address[:port] specified: [2001:db8::g]:80 (malformed IPv6 address)
            -A -t 2001:db8::1:80                        | illegal virtual server address[:port] specified: 2001:db8::1:80 (a virtual service needs a port)
            -A -t 2001:db8:::1                          | illegal virtual server address[:port] specified: 2001:db8:::1 (malformed IPv6 address (with a port, write [address]:port))
            -L -t 10.0.0.1                              | illegal virtual server address[:port] specified: 10.0.0.1 (a virtual service needs a port)
            -a -t 10.0.0.1:80 -r 10.1.0.1:70000         | illegal real server address[:port] specified: 10.1.0.1:70000 (port 70000 is outside 1..65535)
            -d -t 10.0.0.1:80 -r nosuchhost             | illegal real server address[:port] specified: nosuchhost (unknown host nosuchhost)
            -a -t 10.0.0.1:80 -r 10.1.0.1 -w 70000      | illegal weight specified: 70000
            -a -t 10.0.0.1:80 -r 10.1.0.1 -w -1         | illegal weight specified: -1
            -a -t 10.0.0.1:80 -r 10.1.0.1 -w x          | illegal weight specified: x
            -a -t 10.0.0.1:80 -r 10.1.0.1 -x -5         | illegal u_threshold specified: -5
            -e -t 10.0.0.1:80 -r 10.1.0.1 -y 1e3        | illegal l_threshold specified: 1e3
            -A -t 10.0.0.1:80 -p 0                      | invalid timeout value `0' specified
            -A -t 10.0.0.1:80 -p 2678401                | invalid timeout value `2678401' specified
            -A -t 10.0.0.1:80 --persistent=abc          | invalid timeout value `abc' specified
            -A -t 10.0.0.1:80 -p -M 255.255.300.0       | illegal virtual server persistent mask specified: 255.255.300.0
            -A -t [2001:db8::1]:80 -p -M 129            | illegal ipv6 netmask specified: 129
            -A -t 10.0.0.1:80 -o                        | One-Packet Scheduling is only for UDP virtual services
            -A -t 10.0.0.1:80 -b sh-port,,sh-fallback   | illegal scheduler flags specified: 'sh-port,,sh-fallback'
            -Z -n                                       | Illegal 'numeric' option with the 'zero' command
            -A -t 10.0.0.1:80 --stats                   | Illegal 'stats' option with the 'add-service' command
            -L -c -t 10.0.0.1:80                        | The option 'service-address' conflicts with 'connection' option in the 'list' command
            -L --timeout -c                             | The option 'timeout' conflicts with 'connection' option in the 'list' command
            -L -t 10.0.0.1:80 --timeout                 | The option 'timeout' conflicts with 'service-address' option in the 'list' command
            -Lc --stats                                 | options conflicts in the list command
            -L --timeout --rate                         | options conflicts in the list command
            -L --timeout --persistent-conn              | options conflicts in the list command
            --connection                                | no command specified (try vsadm -h)
            -c -L -c                                    | multiple 'connection' options specified
            -S -t 10.0.0.1:80                           | Illegal 'service-address' option with the 'save' command
            -R -n                                       | Illegal 'numeric' option with the 'restore' command
            --set 900 120                               | --set option requires 3 timeout values
            --set                                       | --set option requires 3 timeout values
            --set=900 120 300                           | --set option requires 3 timeout values
            --set 900 120 x                             | invalid timeout value `x' specified
            --set 900 -1 300                            | invalid timeout value `-1' specified
            --set 2678401 0 0                           | invalid timeout value `2678401' specified
            --set 1.5 0 0                               | invalid timeout value `1.5' specified
            --set 900 120 300 -n                        | Illegal 'numeric' option with the 'set' command
            --set 900 120 300 -L                        | multiple commands specified
            --set 900 120 300 400                       | unexpected argument 400
            -A -t 10.0.0.1:80 --pe sip                  | --pe is not supported yet
            -A -f 1                                     | -f is not supported by vsd
            --start-daemon master                       | --start-daemon is not supported by vsd
            -L --server ftp://h:1                       | --server is not an http:// URL of the director: ftp://h:1
            """)
    void badCommandLinesFailWithOneLineAndExitCode2(String args, String message) {
        assertEquals(new VsadmRun(2, "", "vsadm: " + message + "\n"), VsadmRun.run(VsadmRun.NO_DIRECTOR, args.split(" ")));
    }

    @Test
    void statsRateExactAndZero() throws VsadmException {
        assertEquals(new ListTable(null, new ListFormat(true, true, Command.Columns.STATS, false)), parse("-Ln", "--stats"));
        assertEquals(new ListTable(null, new ListFormat(false, true, Command.Columns.RATE, true)), parse("-L", "--rate", "-X"));
        // print_title: --stats wins over --rate, which wins over --thresholds.
        assertEquals(new ListTable(null, new ListFormat(false, true, Command.Columns.STATS, true)),
                parse("-L", "--rate", "--stats", "--thresholds", "--exact"));
        assertEquals(new ListTable(TCP_80, new ListFormat(false, true, Command.Columns.RATE, false)),
                parse("-L", "--rate", "--thresholds", "-t", "10.0.0.1:80"));
        assertEquals(new Command.Zero(null), parse("-Z"));
        assertEquals(new Command.Zero(TCP_80), parse("--zero", "-t", "10.0.0.1:80"));
    }

    @Test
    void timeoutsAndTheConnectionList() throws VsadmException {
        assertEquals(new Command.SetTimeouts(900, 0, 300), parse("--set", "900", "0", "300"));
        assertEquals(new Command.SetTimeouts(2678400, 1, 0), parse("--set", "2678400", "1", "0"));
        assertEquals(new Command.ListTimeouts(), parse("-L", "--timeout"));
        assertEquals(new Command.ListTimeouts(), parse("-l", "--timeout", "-n"));
        assertEquals(new Command.ListConnections(false, false), parse("-L", "-c"));
        assertEquals(new Command.ListConnections(true, false), parse("-Lnc"));
        assertEquals(new Command.ListConnections(true, true), parse("-l", "--connection", "--numeric", "--persistent-conn"));
    }

    @Test
    void saveAndRestore() throws VsadmException {
        assertEquals(new Command.Save(false), parse("-S"));
        assertEquals(new Command.Save(true), parse("--save", "-n"));
        assertEquals(new Command.Save(true), parse("-Sn"));
        assertEquals(new Command.Restore(), parse("-R"));
    }

    @Test
    void emptySchedulerName() {
        assertEquals(new VsadmRun(2, "", "vsadm: illegal scheduler specified: ''\n"),
                VsadmRun.run(VsadmRun.NO_DIRECTOR, "-A", "-t", "10.0.0.1:80", "-s", ""));
    }

    @Test
    void badDirectorUrlInTheEnvironmentIsAUsageError() {
        assertEquals(new VsadmRun(2, "", "vsadm: $VSD_ADMIN is not an http:// URL of the director: http://a b\n"),
                VsadmRun.run(java.util.Map.of("VSD_ADMIN", "http://a b"), "-L"));
    }

    @Test
    void helpGoesToStdoutWithExitCode0() {
        VsadmRun run = VsadmRun.run(VsadmRun.NO_DIRECTOR, "-h");
        assertEquals(0, run.exitCode());
        assertEquals("", run.err());
        assertEquals(Vsadm.USAGE, run.out());
    }
}
