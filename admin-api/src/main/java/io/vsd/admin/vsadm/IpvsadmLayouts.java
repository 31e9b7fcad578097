package io.vsd.admin.vsadm;

import java.util.List;

/**
 * ipvsadm's output layouts, kept together as ipvsadm.c keeps its format strings, so an operator's
 * muscle memory is one constant away. Each is the C format string with {@code %u} written {@code %d}.
 * Lines come without their newline.
 */
final class IpvsadmLayouts {
    private IpvsadmLayouts() {
    }

    /**
     * The IPVS version {@code -L} names. vsd reproduces the layouts of IPVS 1.2.1 (what every current
     * kernel reports), so scripts that read this line keep working.
     */
    static final String IPVS_VERSION = "1.2.1";

    /** list_all: first line of {@code -L}, not printed for {@code -L -t service}. */
    static final String VERSION_HEADER = "IP Virtual Server version %s (size=%d)";

    /** print_title: the two column-title lines of the default {@code -L} layout. */
    static final String TITLE = "Prot LocalAddress:Port Scheduler Flags\n"
            + "  -> RemoteAddress:Port           Forward Weight ActiveConn InActConn";

    /** print_title with --stats. */
    static final String TITLE_STATS = "%-33s %8s %8s %8s %8s %8s\n  -> RemoteAddress:Port".formatted(
            "Prot LocalAddress:Port", "Conns", "InPkts", "OutPkts", "InBytes", "OutBytes");
    /** print_title with --rate. */
    static final String TITLE_RATE = "%-33s %8s %8s %8s %8s %8s\n  -> RemoteAddress:Port".formatted(
            "Prot LocalAddress:Port", "CPS", "InPPS", "OutPPS", "InBPS", "OutBPS");
    /** print_title with --thresholds. */
    static final String TITLE_THRESHOLDS = "%-33s %-10s %-10s %-10s %-10s\n  -> RemoteAddress:Port".formatted(
            "Prot LocalAddress:Port", "Uthreshold", "Lthreshold", "ActiveConn", "InActConn");
    /** print_title with --persistent-conn. */
    static final String TITLE_PERSISTENT_CONN = "%-33s %-9s %-11s %-10s %-10s\n  -> RemoteAddress:Port".formatted(
            "Prot LocalAddress:Port", "Weight", "PersistConn", "ActiveConn", "InActConn");

    /** addrport_to_anyname: IPv4 (or host name) and port (or service name). */
    static final String ADDRESS_PORT = "%s:%s";
    /** addrport_to_anyname: IPv6 (or its host name) in brackets. */
    static final String ADDRESS_PORT_V6 = "[%s]:%s";

    /** print_service_entry: protocol and VIP:port; ipvsadm cuts it to 33 characters for IPv4. */
    static final String SERVICE_NAME = "%-4s %s";
    static final int SERVICE_NAME_MAX_V4 = 33;
    /** print_service_entry: the service line starts with the name and the scheduler ... */
    static final String SERVICE = "%s %s";
    /** ... then, each only when set: scheduler flags, persistence, its netmask, one-packet scheduling. */
    static final String SERVICE_SCHED_FLAGS = " (%s)";
    static final String SCHED_FLAGS_SEPARATOR = ",";
    static final String SERVICE_PERSISTENT = " persistent %d";
    static final String SERVICE_MASK = " mask %s";
    static final String SERVICE_OPS = " ops";

    /** print_service_entry: a real server; the name cut to 28 characters for IPv4. */
    static final String SERVER = "  -> %-28s %-7s %-6d %-10d %-10d";
    static final int SERVER_NAME_MAX_V4 = 28;
    /** print_service_entry with --stats or --rate: the service's name, then five numbers (print_largenum) ... */
    static final String SERVICE_COUNTERS_NAME = "%-33s";
    /** ... and a real server's name, then five numbers with --stats ... */
    static final String SERVER_COUNTERS_NAME = "  -> %-28s";
    /** ... or with --rate three plain numbers (not print_largenum, even with --exact), then two print_largenum. */
    static final String SERVER_RATE_PREFIX = "  -> %-28s %8d %8d %8d";
    /** print_largenum: below 10^8 the number; from there on %8llu and a unit, base 1000. */
    static final String LARGENUM = "%9d";
    static final String LARGENUM_UNIT = "%8d%s";
    /** print_largenum with --exact: {@code "%*llu"}, at least 9 wide and always a space before the number. */
    static final String LARGENUM_EXACT = "%%%dd";
    /** print_service_entry with --thresholds. */
    static final String SERVER_THRESHOLDS = "  -> %-28s %-10d %-10d %-10d %-10d";
    /** print_service_entry with --persistent-conn. */
    static final String SERVER_PERSISTENT_CONN = "  -> %-28s %-9d %-11d %-10d %-10d";

    /** print_service_entry with FMT_RULE ({@code -S}): the switch and VIP:port (never cut) ... */
    static final String RULE_SERVICE_NAME = "%s %s";
    static final String RULE_TCP = "-t";
    static final String RULE_UDP = "-u";
    /** ... the service's rule, then, each only when set, in ipvsadm's order: -p, -M, --pe, -o, -b. */
    static final String RULE_SERVICE = "-A %s -s %s";
    static final String RULE_PERSISTENT = " -p %d";
    static final String RULE_MASK = " -M %s";
    static final String RULE_OPS = " -o";
    static final String RULE_SCHED_FLAGS = " -b %s";
    /** ... and a real server's rule: {@code -S} saves neither -x nor -y. */
    static final String RULE_SERVER = "-a %s -r %s %s -w %d";

    /** list_timeout: {@code -L --timeout}. */
    static final String TIMEOUT = "Timeout (tcp tcpfin udp): %d %d %d";

    /** list_conn: {@code -L -c}, its first line and column titles ... */
    static final String CONNECTIONS_HEADER = "IPVS connection entries";
    static final String CONNECTIONS_TITLE = "pro expire %-11s %-18s %-18s %s".formatted(
            "state", "source", "virtual", "destination");
    /** ... with --persistent-conn, two more columns (a persistence engine's; vsd has none, so rows stay short). */
    static final String CONNECTIONS_TITLE_PERSISTENT = "pro expire %-11s %-18s %-18s %-18s %-16s %s".formatted(
            "state", "source", "virtual", "destination", "pe name", "pe_data");
    /** print_conn: a connection; expire is {@code %02d:%02d}, minutes and seconds. */
    static final String CONNECTION = "%-3s %-6s %-11s %-18s %-18s %s";
    static final String CONNECTION_EXPIRE = "%02d:%02d";

    static String timeouts(int tcp, int tcpfin, int udp) {
        return TIMEOUT.formatted(tcp, tcpfin, udp);
    }

    static String connection(String protocol, long expireSeconds, String state, String source, String virtual,
                             String destination) {
        return CONNECTION.formatted(protocol, CONNECTION_EXPIRE.formatted(expireSeconds / 60, expireSeconds % 60), state,
                source, virtual, destination);
    }

    /** A virtual service as {@code -L} prints it; {@code persistenceTimeout} is 0 when not persistent. */
    record ServiceRow(Protocol protocol, String name, boolean ipv6, String scheduler, List<String> schedFlags,
                      long persistenceTimeout, String netmask, boolean ops) {
    }

    /** A real server as {@code -L} prints it. */
    record ServerRow(String name, boolean ipv6, String forward, int weight, long activeConns, long inactConns,
                     long upper, long lower, long persistConns) {
        ServerRow(String name, boolean ipv6, String forward, int weight, long activeConns, long inactConns) {
            this(name, ipv6, forward, weight, activeConns, inactConns, 0, 0, 0);
        }
    }

    static String title(Command.Columns columns) {
        return switch (columns) {
            case DEFAULT -> TITLE;
            case STATS -> TITLE_STATS;
            case RATE -> TITLE_RATE;
            case THRESHOLDS -> TITLE_THRESHOLDS;
            case PERSISTENT_CONN -> TITLE_PERSISTENT_CONN;
        };
    }

    static String versionHeader(int connectionTableSize) {
        return VERSION_HEADER.formatted(IPVS_VERSION, connectionTableSize);
    }

    static String addressPort(String host, String port, boolean ipv6) {
        return (ipv6 ? ADDRESS_PORT_V6 : ADDRESS_PORT).formatted(host, port);
    }

    /** ipvsadm's print_largenum. */
    static String largeNumber(long n, boolean exact) {
        if (exact) {
            int length = Long.toString(n).length();
            return LARGENUM_EXACT.formatted(length <= 8 ? 9 : length + 1).formatted(n);
        }
        if (n < 100_000_000L) {
            return LARGENUM.formatted(n);
        } else if (n < 1_000_000_000L) {
            return LARGENUM_UNIT.formatted(n / 1_000L, "K");
        } else if (n < 100_000_000_000L) {
            return LARGENUM_UNIT.formatted(n / 1_000_000L, "M");
        } else if (n < 100_000_000_000_000L) {
            return LARGENUM_UNIT.formatted(n / 1_000_000_000L, "G");
        }
        return LARGENUM_UNIT.formatted(n / 1_000_000_000_000L, "T");
    }

    /** {@code --stats} or {@code --rate}: a service's line, its five numbers each through print_largenum. */
    static String serviceCounters(ServiceRow row, long[] numbers, boolean exact) {
        StringBuilder line = new StringBuilder(SERVICE_COUNTERS_NAME.formatted(serviceName(row)));
        for (long n : numbers) {
            line.append(largeNumber(n, exact));
        }
        return line.toString();
    }

    /** {@code --stats}: a real server's line: conns, in and out packets, in and out bytes. */
    static String serverStats(String name, boolean ipv6, long[] numbers, boolean exact) {
        StringBuilder line = new StringBuilder(SERVER_COUNTERS_NAME.formatted(serverName(name, ipv6)));
        for (long n : numbers) {
            line.append(largeNumber(n, exact));
        }
        return line.toString();
    }

    /** {@code --rate}: a real server's line: CPS, InPPS, OutPPS as plain numbers, InBPS and OutBPS as large ones. */
    static String serverRates(String name, boolean ipv6, long cps, long inPps, long outPps, long inBps, long outBps,
                              boolean exact) {
        return SERVER_RATE_PREFIX.formatted(serverName(name, ipv6), cps, inPps, outPps)
                + largeNumber(inBps, exact) + largeNumber(outBps, exact);
    }

    private static String serviceName(ServiceRow row) {
        String name = SERVICE_NAME.formatted(row.protocol().label(), row.name());
        return row.ipv6() ? name : cut(name, SERVICE_NAME_MAX_V4);
    }

    private static String serverName(String name, boolean ipv6) {
        return ipv6 ? name : cut(name, SERVER_NAME_MAX_V4);
    }

    static String service(ServiceRow row) {
        String name = serviceName(row);
        StringBuilder line = new StringBuilder(SERVICE.formatted(name, row.scheduler()));
        if (!row.schedFlags().isEmpty()) {
            line.append(SERVICE_SCHED_FLAGS.formatted(String.join(SCHED_FLAGS_SEPARATOR, row.schedFlags())));
        }
        if (row.persistenceTimeout() > 0) {
            line.append(SERVICE_PERSISTENT.formatted(row.persistenceTimeout()));
            String hostMask = row.ipv6() ? Command.Persistence.HOST_MASK_V6 : Command.Persistence.HOST_MASK_V4;
            if (row.netmask() != null && !row.netmask().equals(hostMask)) {
                line.append(SERVICE_MASK.formatted(row.netmask()));
            }
        }
        if (row.ops()) {
            line.append(SERVICE_OPS);
        }
        return line.toString();
    }

    static String ruleServiceName(Protocol protocol, String name) {
        return RULE_SERVICE_NAME.formatted(protocol == Protocol.UDP ? RULE_UDP : RULE_TCP, name);
    }

    /** {@code -S}: a service's rule; {@code ruleName} from {@link #ruleServiceName}. */
    static String ruleService(String ruleName, ServiceRow row) {
        StringBuilder line = new StringBuilder(RULE_SERVICE.formatted(ruleName, row.scheduler()));
        if (row.persistenceTimeout() > 0) {
            line.append(RULE_PERSISTENT.formatted(row.persistenceTimeout()));
            String hostMask = row.ipv6() ? Command.Persistence.HOST_MASK_V6 : Command.Persistence.HOST_MASK_V4;
            if (row.netmask() != null && !row.netmask().equals(hostMask)) {
                line.append(RULE_MASK.formatted(row.netmask()));
            }
        }
        if (row.ops()) {
            line.append(RULE_OPS);
        }
        if (!row.schedFlags().isEmpty()) {
            line.append(RULE_SCHED_FLAGS.formatted(String.join(SCHED_FLAGS_SEPARATOR, row.schedFlags())));
        }
        return line.toString();
    }

    /** {@code -S}: a real server's rule, with its forwarding switch (-m, -g, -i) and configured weight. */
    static String ruleServer(String ruleName, String serverName, Forward forward, int weight) {
        return RULE_SERVER.formatted(ruleName, serverName, forward.saveSwitch(), weight);
    }

    static String server(ServerRow row) {
        return server(row, Command.Columns.DEFAULT);
    }

    static String server(ServerRow row, Command.Columns columns) {
        String name = row.ipv6() ? row.name() : cut(row.name(), SERVER_NAME_MAX_V4);
        return switch (columns) {
            case DEFAULT, STATS, RATE -> SERVER.formatted(name, row.forward(), row.weight(), row.activeConns(), row.inactConns());
            case THRESHOLDS -> SERVER_THRESHOLDS.formatted(name, row.upper(), row.lower(), row.activeConns(),
                    row.inactConns());
            case PERSISTENT_CONN -> SERVER_PERSISTENT_CONN.formatted(name, row.weight(), row.persistConns(),
                    row.activeConns(), row.inactConns());
        };
    }

    private static String cut(String text, int max) {
        return text.length() > max ? text.substring(0, max) : text;
    }
}
