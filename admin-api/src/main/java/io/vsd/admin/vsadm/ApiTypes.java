package io.vsd.admin.vsadm;

import java.util.List;

/** The admin API's answers (docs/admin-api.md), as far as vsadm reads them. Unknown fields are ignored. */
final class ApiTypes {
    private ApiTypes() {
    }

    /** {@code GET /api/v1/services}. */
    record Table(long version, List<Service> services) {
        Table {
            services = services == null ? List.of() : services;
        }
    }

    record Service(String protocol, String address, String scheduler, List<String> flags,
                   Persistence persistence, boolean ops, List<RealServer> servers, Stats stats, Rates rates) {
        Service {
            flags = flags == null ? List.of() : flags;
            servers = servers == null ? List.of() : servers;
            stats = stats == null ? Stats.NONE : stats;
            rates = rates == null ? Rates.NONE : rates;
        }
    }

    /** A service's or real server's counters on this director (ipvsadm --stats). */
    record Stats(long conns, long inPkts, long outPkts, long inBytes, long outBytes) {
        static final Stats NONE = new Stats(0, 0, 0, 0, 0);
    }

    /** Their rates, per second (ipvsadm --rate). */
    record Rates(long cps, long inPps, long outPps, long inBps, long outBps) {
        static final Rates NONE = new Rates(0, 0, 0, 0, 0);
    }

    /** The netmask is a dotted quad for IPv4 and a prefix length for IPv6; read either way as text. */
    record Persistence(long timeout, String netmask) {
    }

    record RealServer(String address, String forward, int weight, long upper, long lower,
                      long activeConns, long inactConns, long persistConns, Health health, Stats stats, Rates rates) {
        RealServer {
            stats = stats == null ? Stats.NONE : stats;
            rates = rates == null ? Rates.NONE : rates;
        }

        /** The weight IPVS would show: what health checking left of the configured one (docs/health.md). */
        int listedWeight() {
            return health == null || health.effectiveWeight() == null ? weight : health.effectiveWeight();
        }
    }

    /** A real server's read-only health; vsadm reads only what changes the Weight column. */
    record Health(String state, Integer effectiveWeight) {
    }

    /** {@code GET /api/v1/info}. */
    /** GET /api/v1/timeouts. */
    record Timeouts(int tcp, int tcpfin, int udp) {
    }

    /** GET /api/v1/connections. */
    record Connections(List<Connection> connections, long total, boolean truncated) {
    }

    record Connection(String protocol, String source, String virtual, String destination, String state, long expires) {
    }

    record Info(String name, String version, String directorId, int connectionTableSize) {
    }

    /** An RFC 9457 problem. */
    record Problem(String type, String title, int status, String detail) {
    }
}
