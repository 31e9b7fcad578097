package io.vsd.admin.vsadm;

import java.net.Inet4Address;
import java.net.InetAddress;
import java.net.UnknownHostException;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.Optional;
import java.util.OptionalInt;

/** The resolver of the host vsadm runs on: the JDK's name service and /etc/services. */
final class SystemResolver implements Resolver {
    private final Path servicesPath;
    private ServicesFile services;

    SystemResolver(Path servicesPath) {
        this.servicesPath = servicesPath;
    }

    static SystemResolver standard() {
        return new SystemResolver(Path.of("/etc/services"));
    }

    @Override
    public InetAddress lookup(String hostName) throws UnknownHostException {
        InetAddress[] all = InetAddress.getAllByName(hostName);
        InetAddress found = Arrays.stream(all).filter(a -> a instanceof Inet4Address).findFirst().orElse(all[0]);
        return InetText.address(found.getAddress());
    }

    @Override
    public Optional<String> hostName(InetAddress address) {
        InetAddress unnamed = InetText.address(address.getAddress());
        String name = unnamed.getHostName();
        // getHostName answers the number itself when the address has no name.
        return name.equals(unnamed.getHostAddress()) ? Optional.empty() : Optional.of(name);
    }

    @Override
    public OptionalInt port(String serviceName, Protocol protocol) {
        return services().port(serviceName, protocol);
    }

    @Override
    public Optional<String> serviceName(int port, Protocol protocol) {
        return services().name(port, protocol);
    }

    private synchronized ServicesFile services() {
        if (services == null) {
            services = ServicesFile.read(servicesPath);
        }
        return services;
    }
}
