package io.vsd.admin.vsadm;

import java.net.InetAddress;
import java.net.UnknownHostException;
import java.util.OptionalInt;

/**
 * ipvsadm's {@code host[:port]}, as its parse_service reads it: an IPv4 literal, a host name (resolved
 * here, as ipvsadm resolves it), a bare IPv6 literal, or {@code [ipv6]:port}; the port a number or a
 * service name from /etc/services.
 */
final class AddressParser {
    private final Resolver resolver;

    AddressParser(Resolver resolver) {
        this.resolver = resolver;
    }

    /** What {@code host[:port]} said; the port is empty when it gave none. */
    record HostPort(InetAddress address, OptionalInt port) {
    }

    /** Why a {@code host[:port]} is no good, in a few words. */
    static final class BadAddress extends Exception {
        BadAddress(String reason) {
            super(reason, null, false, false);
        }
    }

    HostPort parse(String text, Protocol protocol) throws BadAddress {
        if (text.isEmpty()) {
            throw new BadAddress("empty");
        }
        if (text.matches("[0-9]+")) {
            throw new BadAddress("a number is not an address");
        }
        if (text.startsWith("[")) {
            int close = text.indexOf(']');
            if (close < 0) {
                throw new BadAddress("no closing ']'");
            }
            InetAddress address = InetText.parseIpv6(text.substring(1, close));
            if (address == null) {
                throw new BadAddress("malformed IPv6 address");
            }
            String rest = text.substring(close + 1);
            if (rest.isEmpty()) {
                return new HostPort(address, OptionalInt.empty());
            }
            if (!rest.startsWith(":")) {
                throw new BadAddress("expected ':port' after ']'");
            }
            return new HostPort(address, OptionalInt.of(port(rest.substring(1), protocol)));
        }
        if (text.indexOf(':') != text.lastIndexOf(':')) {
            InetAddress address = InetText.parseIpv6(text);
            if (address == null) {
                throw new BadAddress("malformed IPv6 address (with a port, write [address]:port)");
            }
            return new HostPort(address, OptionalInt.empty());
        }
        int colon = text.indexOf(':');
        String host = colon < 0 ? text : text.substring(0, colon);
        InetAddress address = host(host);
        return new HostPort(address, colon < 0 ? OptionalInt.empty() : OptionalInt.of(port(text.substring(colon + 1), protocol)));
    }

    private InetAddress host(String host) throws BadAddress {
        InetAddress literal = InetText.parseIpv4(host);
        if (literal != null) {
            return literal;
        }
        if (host.isEmpty()) {
            throw new BadAddress("no host");
        }
        if (host.matches("[0-9.]+")) {
            throw new BadAddress("malformed IPv4 address");
        }
        if (!host.matches("[A-Za-z0-9][A-Za-z0-9_.-]*")) {
            throw new BadAddress("malformed host name");
        }
        try {
            return resolver.lookup(host);
        } catch (UnknownHostException e) {
            throw new BadAddress("unknown host " + host);
        }
    }

    private int port(String port, Protocol protocol) throws BadAddress {
        if (port.isEmpty()) {
            throw new BadAddress("no port after ':'");
        }
        if (port.matches("[0-9]+")) {
            if (port.length() > 5 || Integer.parseInt(port) < 1 || Integer.parseInt(port) > 65535) {
                throw new BadAddress("port " + port + " is outside 1..65535");
            }
            return Integer.parseInt(port);
        }
        OptionalInt named = resolver.port(port, protocol);
        if (named.isEmpty()) {
            throw new BadAddress("unknown port name " + port + "/" + protocol.api());
        }
        return named.getAsInt();
    }
}
