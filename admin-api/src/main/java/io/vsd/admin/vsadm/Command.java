package io.vsd.admin.vsadm;

import java.util.List;

/** One vsadm invocation's command, parsed and checked, ready to send to the director. */
sealed interface Command {

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

    /** How {@code -L} prints; the later --stats, --rate, --thresholds, --exact become fields here. */
    record ListFormat(boolean numeric, boolean sort) {
    }

    record AddService(ServiceKey service, ServiceAttributes attributes) implements Command {
    }

    record EditService(ServiceKey service, ServiceAttributes attributes) implements Command {
    }

    record DeleteService(ServiceKey service) implements Command {
    }

    record Clear() implements Command {
    }

    record AddServer(ServiceKey service, RealServer server) implements Command {
    }

    record EditServer(ServiceKey service, RealServer server) implements Command {
    }

    record DeleteServer(ServiceKey service, Endpoint server) implements Command {
    }

    /** {@code -L}: the whole table, or one virtual service when {@code service} is not null. */
    record ListTable(ServiceKey service, ListFormat format) implements Command {
    }

    record Help() implements Command {
    }

    record Version() implements Command {
    }
}
