package io.vsd.admin.vsadm;

import java.net.InetAddress;
import java.net.UnknownHostException;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.OptionalInt;

/** A resolver with a fixed view of the world, so that tests need neither DNS nor /etc/services. */
final class FakeResolver implements Resolver {
    static final ServicesFile SERVICES = ServicesFile.parse(List.of(
            "# Network services, Internet style",
            "http\t\t80/tcp\t\twww\t\t# WorldWideWeb HTTP",
            "https\t\t443/tcp",
            "domain\t\t53/tcp",
            "domain\t\t53/udp",
            "mysql\t\t3306/tcp"));

    private final Map<String, InetAddress> hosts = new HashMap<>();
    private final Map<InetAddress, String> names = new HashMap<>();

    FakeResolver() {
        host("localhost", "127.0.0.1");
        host("web1.example.com", "10.1.0.1");
        host("db6.example.com", "2001:db8::5");
    }

    private void host(String name, String address) {
        InetAddress a = address.contains(":") ? InetText.parseIpv6(address) : InetText.parseIpv4(address);
        hosts.put(name, a);
        names.put(a, name);
    }

    static InetAddress ip(String literal) {
        InetAddress a = literal.contains(":") ? InetText.parseIpv6(literal) : InetText.parseIpv4(literal);
        if (a == null) {
            throw new IllegalArgumentException(literal);
        }
        return a;
    }

    @Override
    public InetAddress lookup(String hostName) throws UnknownHostException {
        InetAddress a = hosts.get(hostName);
        if (a == null) {
            throw new UnknownHostException(hostName);
        }
        return a;
    }

    @Override
    public Optional<String> hostName(InetAddress address) {
        return Optional.ofNullable(names.get(address));
    }

    @Override
    public OptionalInt port(String serviceName, Protocol protocol) {
        return SERVICES.port(serviceName, protocol);
    }

    @Override
    public Optional<String> serviceName(int port, Protocol protocol) {
        return SERVICES.name(port, protocol);
    }
}
