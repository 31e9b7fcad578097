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

    /** A virtual service as {@code -L} prints it; {@code persistenceTimeout} is 0 when not persistent. */
    record ServiceRow(Protocol protocol, String name, boolean ipv6, String scheduler, List<String> schedFlags,
                      long persistenceTimeout, String netmask, boolean ops) {
    }

    /** A real server as {@code -L} prints it. */
    record ServerRow(String name, boolean ipv6, String forward, int weight, long activeConns, long inactConns) {
    }

    static String versionHeader(int connectionTableSize) {
        return VERSION_HEADER.formatted(IPVS_VERSION, connectionTableSize);
    }

    static String addressPort(String host, String port, boolean ipv6) {
        return (ipv6 ? ADDRESS_PORT_V6 : ADDRESS_PORT).formatted(host, port);
    }

    static String service(ServiceRow row) {
        String name = SERVICE_NAME.formatted(row.protocol().label(), row.name());
        if (!row.ipv6()) {
            name = cut(name, SERVICE_NAME_MAX_V4);
        }
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

    static String server(ServerRow row) {
        String name = row.ipv6() ? row.name() : cut(row.name(), SERVER_NAME_MAX_V4);
        return SERVER.formatted(name, row.forward(), row.weight(), row.activeConns(), row.inactConns());
    }

    private static String cut(String text, int max) {
        return text.length() > max ? text.substring(0, max) : text;
    }
}
