package io.vsd.admin.vsadm;

/** What names a virtual service: protocol and VIP:port. */
record ServiceKey(Protocol protocol, Endpoint vip) {

    /** {@code /api/v1/services/tcp/10.0.0.1:80}, brackets of IPv6 percent-encoded. */
    String path() {
        return "/api/v1/services/" + protocol.api() + "/" + pathSegment(vip);
    }

    static String pathSegment(Endpoint endpoint) {
        return endpoint.text().replace("[", "%5B").replace("]", "%5D");
    }
}
