package io.vsd.admin.vsadm;

import java.net.InetAddress;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/** {@code -L -c}: fetches the director's connection list and lays it out as ipvsadm's list_conn does. */
final class ConnectionLister {
    /** The most rows one listing asks for (the API's own limit). */
    static final int LIMIT = 100_000;

    private final DirectorClient director;
    private final Resolver resolver;
    private final Duration lookupBudget;

    ConnectionLister(DirectorClient director, Resolver resolver, Duration lookupBudget) {
        this.director = director;
        this.resolver = resolver;
        this.lookupBudget = lookupBudget;
    }

    /** The lines for stdout, and a note for stderr when the director left some connections out (else null). */
    record Listing(List<String> lines, String note) {
    }

    Listing lines(Command.ListConnections command) throws VsadmException {
        ApiTypes.Connections list = director.connections(LIMIT);
        List<Row> rows = new ArrayList<>();
        for (ApiTypes.Connection c : list.connections()) {
            rows.add(row(c));
        }
        TableLister.Names names;
        if (command.numeric()) {
            names = new TableLister.Names(true, Map.of(), resolver);
        } else {
            List<InetAddress> addresses = new ArrayList<>();
            for (Row r : rows) {
                addresses.add(r.source().address());
                addresses.add(r.virtual().address());
                if (r.destination() != null) {
                    addresses.add(r.destination().address());
                }
            }
            names = new TableLister.Names(false, NameLookup.hostNames(addresses, resolver, lookupBudget), resolver);
        }
        List<String> lines = new ArrayList<>();
        lines.add(IpvsadmLayouts.CONNECTIONS_HEADER);
        lines.add(command.persistentConn() ? IpvsadmLayouts.CONNECTIONS_TITLE_PERSISTENT : IpvsadmLayouts.CONNECTIONS_TITLE);
        for (Row r : rows) {
            lines.add(IpvsadmLayouts.connection(r.protocol().label(), r.expires(), r.state(),
                    names.of(r.source(), r.protocol()), names.of(r.virtual(), r.protocol()),
                    r.destination() == null ? "" : names.of(r.destination(), r.protocol())));
        }
        String note = list.truncated() ? "the director has " + list.total() + " connections; the first "
                + list.connections().size() + " are listed" : null;
        return new Listing(lines, note);
    }

    private record Row(Protocol protocol, long expires, String state, Endpoint source, Endpoint virtual,
                       Endpoint destination) {
    }

    private static Row row(ApiTypes.Connection c) throws VsadmException {
        Protocol protocol = Protocol.fromApi(c.protocol() == null ? "" : c.protocol().toLowerCase(Locale.ROOT))
                .orElseThrow(() -> VsadmException.director("unexpected answer from the director: protocol '%s'",
                        c.protocol()));
        return new Row(protocol, Math.max(0, c.expires()), c.state(), endpoint(c.source()), endpoint(c.virtual()),
                c.destination() == null ? null : endpoint(c.destination()));
    }

    private static Endpoint endpoint(String address) throws VsadmException {
        return Endpoint.parse(address).orElseThrow(
                () -> VsadmException.director("unexpected answer from the director: address '%s'", address));
    }
}
