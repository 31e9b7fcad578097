package io.vsd.admin.vsadm;

import java.util.List;

/** One vsadm invocation's command, parsed and checked. */
sealed interface Command {

    /** A command the director carries out; the others vsadm answers itself. */
    sealed interface ForDirector extends Command {
    }

    /** {@code -p [timeout] [-M netmask]}. */
    record Persistence(int timeout, String netmask) {
        static final int DEFAULT_TIMEOUT = 300;
        static final String HOST_MASK_V4 = "255.255.255.255";
        static final String HOST_MASK_V6 = "128";
    }

    /** A virtual service's attributes: {@code -s}, {@code -b}, {@code -p}/{@code -M}, {@code -o}. */
    record ServiceAttributes(String scheduler, List<String> schedFlags, Persistence persistence, boolean ops) {
        static final String DEFAULT_SCHEDULER = "wlc";
    }

    /** A real server and its attributes: {@code -r}, {@code -m|-g|-i}, {@code -w}, {@code -x}, {@code -y}. */
    record RealServer(Endpoint address, Forward forward, int weight, int upper, int lower) {
        static final int DEFAULT_WEIGHT = 1;
    }

    /** How {@code -L} prints; {@code exact} is --exact (full numbers in --stats and --rate). */
    record ListFormat(boolean numeric, boolean sort, Columns columns, boolean exact) {
        ListFormat(boolean numeric, boolean sort) {
            this(numeric, sort, Columns.DEFAULT, false);
        }

        ListFormat(boolean numeric, boolean sort, Columns columns) {
            this(numeric, sort, columns, false);
        }
    }

    /**
     * Which columns the lines have: print_title's FMT_STATS, FMT_RATE, FMT_THRESHOLDS, FMT_PERSISTENTCONN or
     * none of them, tested in that order.
     */
    enum Columns { DEFAULT, STATS, RATE, THRESHOLDS, PERSISTENT_CONN }

    record AddService(ServiceKey service, ServiceAttributes attributes) implements ForDirector {
    }

    record EditService(ServiceKey service, ServiceAttributes attributes) implements ForDirector {
    }

    record DeleteService(ServiceKey service) implements ForDirector {
    }

    record Clear() implements ForDirector {
    }

    record AddServer(ServiceKey service, RealServer server) implements ForDirector {
    }

    record EditServer(ServiceKey service, RealServer server) implements ForDirector {
    }

    record DeleteServer(ServiceKey service, Endpoint server) implements ForDirector {
    }

    /** {@code -L}: the whole table, or one virtual service when {@code service} is not null. */
    record ListTable(ServiceKey service, ListFormat format) implements ForDirector {
    }

    /** {@code -S [-n]}: the table as ipvsadm rules. */
    record Save(boolean numeric) implements ForDirector {
    }

    /** {@code -R}: rules on stdin, applied all or none. */
    record Restore() implements ForDirector {
    }

    /** {@code --set tcp tcpfin udp}: seconds; 0 keeps a timeout as it is. */
    record SetTimeouts(int tcp, int tcpfin, int udp) implements ForDirector {
    }

    /** {@code -L --timeout}. */
    record ListTimeouts() implements ForDirector {
    }

    /** {@code -L -c [-n] [--persistent-conn]}: the connection list. */
    record ListConnections(boolean numeric, boolean persistentConn) implements ForDirector {
    }

    /** {@code -Z [service]}: zero the counters of every service, or of one. */
    record Zero(ServiceKey service) implements ForDirector {
    }

    record Help() implements Command {
    }

    record Version() implements Command {
    }
}
