package io.vsd.admin.vsadm;

import java.net.InetAddress;
import java.net.UnknownHostException;
import java.util.Optional;
import java.util.OptionalInt;

/** Names to numbers and back, as ipvsadm gets them from gethostbyname, getservbyname and friends. */
interface Resolver {

    /** A host name to one of its addresses, IPv4 first as ipvsadm's gethostbyname. */
    InetAddress lookup(String hostName) throws UnknownHostException;

    /** The host name of an address, if it has one. May block on DNS. */
    Optional<String> hostName(InetAddress address);

    /** A service name ("http") to its port, from /etc/services. */
    OptionalInt port(String serviceName, Protocol protocol);

    /** A port to its service name ("http"), from /etc/services. */
    Optional<String> serviceName(int port, Protocol protocol);
}
