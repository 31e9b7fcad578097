package io.vsd.admin.vsadm;

import java.net.Inet6Address;
import java.net.InetAddress;
import java.util.Arrays;
import java.util.Comparator;
import java.util.Optional;

/** An IP address and port: a virtual service's VIP:port, or a real server's RIP:port. */
record Endpoint(InetAddress address, int port) {

    /** IPv4 before IPv6, then the address as an unsigned number, then the port: ipvsadm's sort order. */
    static final Comparator<Endpoint> ORDER = Comparator.comparing(Endpoint::ipv6)
            .thenComparing((a, b) -> Arrays.compareUnsigned(a.address.getAddress(), b.address.getAddress()))
            .thenComparingInt(Endpoint::port);

    boolean ipv6() {
        return address instanceof Inet6Address;
    }

    /** The address in numbers, as inet_ntop writes it. */
    String host() {
        return InetText.format(address);
    }

    /** {@code 10.0.0.1:80} or {@code [2001:db8::1]:80}: how ipvsadm and the admin API write an endpoint. */
    String text() {
        return ipv6() ? "[" + host() + "]:" + port : host() + ":" + port;
    }

    /** An endpoint as the admin API writes it; no DNS. */
    static Optional<Endpoint> parse(String text) {
        if (text == null) {
            return Optional.empty();
        }
        int colon = text.lastIndexOf(':');
        if (colon < 0 || !text.substring(colon + 1).matches("[0-9]{1,5}")) {
            return Optional.empty();
        }
        String host = text.substring(0, colon);
        int port = Integer.parseInt(text.substring(colon + 1));
        InetAddress address = host.startsWith("[") && host.endsWith("]")
                ? InetText.parseIpv6(host.substring(1, host.length() - 1))
                : InetText.parseIpv4(host);
        return address == null || port > 65535 ? Optional.empty() : Optional.of(new Endpoint(address, port));
    }
}
