package io.vsd.admin.vsadm;

import io.vsd.admin.vsadm.Command.ListTable;
import io.vsd.admin.vsadm.IpvsadmLayouts.ServerRow;
import io.vsd.admin.vsadm.IpvsadmLayouts.ServiceRow;
import java.net.InetAddress;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Map;

/** {@code -L}: fetches the table from the director and lays it out as ipvsadm does. */
final class TableLister {
    private final DirectorClient director;
    private final Resolver resolver;
    private final Duration lookupBudget;

    TableLister(DirectorClient director, Resolver resolver, Duration lookupBudget) {
        this.director = director;
        this.resolver = resolver;
        this.lookupBudget = lookupBudget;
    }

    /** A virtual service from the API, with its key read back from text. */
    private record Entry(ServiceKey key, ApiTypes.Service service, List<Server> servers) {
    }

    private record Server(Endpoint address, ApiTypes.RealServer server) {
    }

    /** ipvsadm's ipvs_cmp_services: address family, protocol, address, port. */
    private static final Comparator<Entry> SERVICE_ORDER = Comparator
            .comparing((Entry e) -> e.key().vip().ipv6())
            .thenComparing(e -> e.key().protocol())
            .thenComparing(e -> e.key().vip(), Endpoint.ORDER);

    /** ipvsadm's ipvs_cmp_dests: address, port. */
    private static final Comparator<Server> SERVER_ORDER = Comparator.comparing(Server::address, Endpoint.ORDER);

    List<String> lines(ListTable command) throws VsadmException {
        List<String> lines = new ArrayList<>();
        List<Entry> entries = new ArrayList<>();
        if (command.service() == null) {
            int size = director.info().connectionTableSize();
            for (ApiTypes.Service service : director.services().services()) {
                entries.add(entry(service));
            }
            lines.add(IpvsadmLayouts.versionHeader(size));
        } else {
            entries.add(entry(director.service(command.service())));
        }
        if (command.format().sort()) {
            entries.sort(SERVICE_ORDER);
            entries.replaceAll(e -> new Entry(e.key(), e.service(), e.servers().stream().sorted(SERVER_ORDER).toList()));
        }
        Names names = command.format().numeric()
                ? new Names(true, Map.of(), resolver) : new Names(false, hostNames(entries), resolver);
        lines.add(IpvsadmLayouts.title(command.format().columns()));
        for (Entry entry : entries) {
            ApiTypes.Service service = entry.service();
            Protocol protocol = entry.key().protocol();
            ApiTypes.Persistence persistence = service.persistence();
            ServiceRow row = new ServiceRow(protocol, names.of(entry.key().vip(), protocol),
                    entry.key().vip().ipv6(), service.scheduler(), service.flags(),
                    persistence == null ? 0 : persistence.timeout(), persistence == null ? null : persistence.netmask(),
                    service.ops());
            Command.Columns columns = command.format().columns();
            boolean exact = command.format().exact();
            lines.add(switch (columns) {
                case STATS -> IpvsadmLayouts.serviceCounters(row, stats(service.stats()), exact);
                case RATE -> IpvsadmLayouts.serviceCounters(row, rates(service.rates()), exact);
                default -> IpvsadmLayouts.service(row);
            });
            for (Server server : entry.servers()) {
                ApiTypes.RealServer rs = server.server();
                String name = names.of(server.address(), protocol);
                boolean ipv6 = server.address().ipv6();
                lines.add(switch (columns) {
                    case STATS -> IpvsadmLayouts.serverStats(name, ipv6, stats(rs.stats()), exact);
                    case RATE -> IpvsadmLayouts.serverRates(name, ipv6, rs.rates().cps(), rs.rates().inPps(),
                            rs.rates().outPps(), rs.rates().inBps(), rs.rates().outBps(), exact);
                    default -> IpvsadmLayouts.server(new ServerRow(name, ipv6, Forward.label(rs.forward()),
                            rs.listedWeight(), rs.activeConns(), rs.inactConns(), rs.upper(), rs.lower(),
                            rs.persistConns()), columns);
                });
            }
        }
        return lines;
    }

    private static long[] stats(ApiTypes.Stats s) {
        return new long[] {s.conns(), s.inPkts(), s.outPkts(), s.inBytes(), s.outBytes()};
    }

    private static long[] rates(ApiTypes.Rates r) {
        return new long[] {r.cps(), r.inPps(), r.outPps(), r.inBps(), r.outBps()};
    }

    /** {@code -S [-n]}: the whole table as ipvsadm rules, sorted as ipvsadm sorts it. */
    List<String> saveLines(boolean numeric) throws VsadmException {
        List<Entry> entries = new ArrayList<>();
        for (ApiTypes.Service service : director.services().services()) {
            entries.add(entry(service));
        }
        entries.sort(SERVICE_ORDER);
        entries.replaceAll(e -> new Entry(e.key(), e.service(), e.servers().stream().sorted(SERVER_ORDER).toList()));
        Names names = numeric ? new Names(true, Map.of(), resolver) : new Names(false, hostNames(entries), resolver);
        List<String> lines = new ArrayList<>();
        for (Entry entry : entries) {
            ApiTypes.Service service = entry.service();
            Protocol protocol = entry.key().protocol();
            ApiTypes.Persistence persistence = service.persistence();
            String ruleName = IpvsadmLayouts.ruleServiceName(protocol, names.of(entry.key().vip(), protocol));
            lines.add(IpvsadmLayouts.ruleService(ruleName, new ServiceRow(protocol, null, entry.key().vip().ipv6(),
                    service.scheduler(), service.flags(), persistence == null ? 0 : persistence.timeout(),
                    persistence == null ? null : persistence.netmask(), service.ops())));
            for (Server server : entry.servers()) {
                ApiTypes.RealServer rs = server.server();
                lines.add(IpvsadmLayouts.ruleServer(ruleName, names.of(server.address(), protocol),
                        Forward.fromApi(rs.forward()), rs.weight()));
            }
        }
        return lines;
    }

    private static Entry entry(ApiTypes.Service service) throws VsadmException {
        Protocol protocol = Protocol.fromApi(service.protocol()).orElseThrow(
                () -> VsadmException.director("unexpected answer from the director: protocol '%s'", service.protocol()));
        List<Server> servers = new ArrayList<>();
        for (ApiTypes.RealServer server : service.servers()) {
            servers.add(new Server(endpoint(server.address()), server));
        }
        return new Entry(new ServiceKey(protocol, endpoint(service.address())), service, servers);
    }

    private static Endpoint endpoint(String address) throws VsadmException {
        return Endpoint.parse(address).orElseThrow(
                () -> VsadmException.director("unexpected answer from the director: address '%s'", address));
    }

    private Map<InetAddress, String> hostNames(List<Entry> entries) {
        List<InetAddress> addresses = new ArrayList<>();
        for (Entry entry : entries) {
            addresses.add(entry.key().vip().address());
            entry.servers().forEach(s -> addresses.add(s.address().address()));
        }
        return NameLookup.hostNames(addresses, resolver, lookupBudget);
    }

    /** addrport_to_anyname: numbers with -n, else host and service names where there are some. */
    record Names(boolean numeric, Map<InetAddress, String> hosts, Resolver services) {
        String of(Endpoint endpoint, Protocol protocol) {
            if (numeric) {
                return IpvsadmLayouts.addressPort(endpoint.host(), String.valueOf(endpoint.port()), endpoint.ipv6());
            }
            String host = hosts.getOrDefault(endpoint.address(), endpoint.host());
            String port = services.serviceName(endpoint.port(), protocol).orElse(String.valueOf(endpoint.port()));
            return IpvsadmLayouts.addressPort(host, port, endpoint.ipv6());
        }
    }
}
