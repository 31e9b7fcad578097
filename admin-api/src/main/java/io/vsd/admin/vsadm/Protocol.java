package io.vsd.admin.vsadm;

import java.util.Optional;

/** A virtual service's protocol: ipvsadm's {@code -t} and {@code -u}. */
enum Protocol {
    TCP("tcp", "TCP"),
    UDP("udp", "UDP");

    private final String api;
    private final String label;

    Protocol(String api, String label) {
        this.api = api;
        this.label = label;
    }

    /** The name in the admin API's paths and bodies. */
    String api() {
        return api;
    }

    /** The name in ipvsadm's listing. */
    String label() {
        return label;
    }

    static Optional<Protocol> fromApi(String name) {
        for (Protocol p : values()) {
            if (p.api.equals(name)) {
                return Optional.of(p);
            }
        }
        return Optional.empty();
    }
}
