package io.vsd.admin.vsadm;

import io.vsd.admin.vsadm.Command.AddServer;
import io.vsd.admin.vsadm.Command.AddService;
import io.vsd.admin.vsadm.Command.Clear;
import io.vsd.admin.vsadm.Command.DeleteServer;
import io.vsd.admin.vsadm.Command.DeleteService;
import io.vsd.admin.vsadm.Command.EditServer;
import io.vsd.admin.vsadm.Command.EditService;
import io.vsd.admin.vsadm.Command.Help;
import io.vsd.admin.vsadm.Command.ListTable;
import io.vsd.admin.vsadm.Command.Version;
import java.io.InputStream;
import java.io.PrintStream;
import java.time.Duration;
import java.util.List;
import java.util.Map;

/**
 * vsadm: ipvsadm's command line and output, for the vsd director's admin API.
 * Exit codes: 0 done; 1 the director refused or could not be reached; 2 a bad command line.
 */
public final class Vsadm {
    static final String PROGRAM = "vsadm";

    static final String USAGE = """
            Usage:
              vsadm -A|E -t|u service-address [-s scheduler] [-p [timeout]] [-M netmask] [-b sched-flags] [-o]
              vsadm -D -t|u service-address
              vsadm -C
              vsadm -a|e -t|u service-address -r server-address [options]
              vsadm -d -t|u service-address -r server-address
              vsadm -L|l [-t|u service-address] [-n] [--sort|--nosort]
              vsadm -L|l [-t|u service-address] [-n] --stats|--rate [--exact]
              vsadm -L|l -c [-n] [--persistent-conn]
              vsadm -L|l --timeout
              vsadm -Z [-t|u service-address]
              vsadm --set tcp tcpfin udp
              vsadm -S [-n]
              vsadm -R
              vsadm --import-keepalived FILE
              vsadm -h

            Options:
              --tcp-service  -t service-address   service-address is host:port
              --udp-service  -u service-address   service-address is host:port ([ipv6]:port)
              --scheduler    -s scheduler         rr, wrr, lc or wlc (the default)
              --persistent   -p [timeout]         persistent service (timeout 300 by default)
              --netmask      -M netmask           persistent granularity mask
              --sched-flags  -b flags             scheduler flags, comma-separated
              --ops          -o                   one-packet scheduling (UDP only)
              --real-server  -r server-address    server-address is host[:port]
              --masquerading -m                   masquerading (the default: vsd forwards as a proxy)
              --gatewaying   -g                   direct routing (not supported by vsd yet)
              --ipip         -i                   tunneling (not supported by vsd yet)
              --weight       -w weight            capacity of the real server (default 1)
              --u-threshold  -x uthreshold        upper threshold of connections
              --l-threshold  -y lthreshold        lower threshold of connections
              --numeric      -n                   numeric output of addresses and ports
              --nosort                            keep the director's order in the listing
              --stats                             output of statistics information
              --rate                              output of rate information
              --exact        -X                   expand numbers (display exact values)
              --connection   -c                   output of current connections (this director's)
              --timeout                           output of timeout (tcp tcpfin udp)
              --set tcp tcpfin udp                set connection timeout values (0: unchanged)
              --zero         -Z                   zero the counters of a service or of all
              --save         -S                   save the table as ipvsadm rules on stdout
              --restore      -R                   apply ipvsadm rules from stdin, all or none
              --server URL                        the director's admin API (default $VSD_ADMIN,
                                                  else http://127.0.0.1:9900)
              --token-file FILE                   the admin API's token (default $VSD_TOKEN, else
                                                  $VSD_TOKEN_FILE, else ~/.local/state/vsd/admin.token)
              --import-keepalived FILE            print the vsd configuration of a keepalived.conf
                                                  (docs/keepalived.md)
            """;

    private Vsadm() {
    }

    public static void main(String[] args) {
        System.exit(run(args, System.out, System.err, System.getenv()));
    }

    static int run(String[] args, PrintStream out, PrintStream err, Map<String, String> env) {
        return run(args, System.in, out, err, env, SystemResolver.standard(), NameLookup.BUDGET);
    }

    static int run(String[] args, PrintStream out, PrintStream err, Map<String, String> env,
                   Resolver resolver, Duration lookupBudget) {
        return run(args, System.in, out, err, env, resolver, lookupBudget);
    }

    /** @param in where {@code -R} reads its rules */
    static int run(String[] args, InputStream in, PrintStream out, PrintStream err, Map<String, String> env,
                   Resolver resolver, Duration lookupBudget) {
        if (args.length > 0 && args[0].equals("--import-keepalived")) {
            // The converter needs the director's config model: bin/vsadm runs it with the director's classes.
            err.println(PROGRAM + ": --import-keepalived is run by bin/vsadm with the director's classes"
                    + " (bin/vsd import-keepalived FILE does the same)");
            return 2;
        }
        try {
            CommandLine.Invocation invocation = new CommandLine(resolver).parse(List.of(args));
            switch (invocation.command()) {
                case Help() -> out.print(USAGE);
                case Version() -> out.print(PROGRAM + " " + version() + " (ipvsadm v1.31 command line, IPVS "
                        + IpvsadmLayouts.IPVS_VERSION + " layouts)\n");
                case Command.Restore() -> {
                    // Every line is parsed before the director is asked anything: a bad line changes nothing.
                    List<RestoreFile.Line> lines = RestoreFile.read(in, new CommandLine(resolver));
                    try (DirectorClient director = client(invocation, env)) {
                        director.batch(lines);
                    }
                }
                case Command.ForDirector command -> {
                    try (DirectorClient director = client(invocation, env)) {
                        execute(command, director, resolver, lookupBudget, out, err);
                    }
                }
            }
            out.flush();
            return 0;
        } catch (VsadmException e) {
            return fail(out, err, e.getMessage(), e.exitCode());
        } catch (RuntimeException e) {
            // A bug, or an answer vsadm did not foresee: still one line, as every other error.
            return fail(out, err, "internal error: " + e, VsadmException.DIRECTOR);
        }
    }

    private static DirectorClient client(CommandLine.Invocation invocation, Map<String, String> env) throws VsadmException {
        return new DirectorClient(DirectorUrl.choose(invocation.server(), env),
                DirectorToken.choose(invocation.tokenFile(), env));
    }

    private static int fail(PrintStream out, PrintStream err, String message, int exitCode) {
        out.flush();
        err.print(PROGRAM + ": " + oneLine(message) + "\n");
        err.flush();
        return exitCode;
    }

    private static void execute(Command.ForDirector command, DirectorClient director, Resolver resolver, Duration lookupBudget,
                                PrintStream out, PrintStream err) throws VsadmException {
        switch (command) {
            case AddService(var service, var attributes) -> director.addService(service, attributes);
            case EditService(var service, var attributes) -> director.editService(service, attributes);
            case DeleteService(var service) -> director.deleteService(service);
            case Clear() -> director.clear();
            case AddServer(var service, var server) -> director.addServer(service, server);
            case EditServer(var service, var server) -> director.editServer(service, server);
            case DeleteServer(var service, var server) -> director.deleteServer(service, server);
            case Command.Save(var numeric) -> {
                StringBuilder text = new StringBuilder();
                new TableLister(director, resolver, lookupBudget).saveLines(numeric).forEach(l -> text.append(l).append('\n'));
                out.print(text);
            }
            case Command.Zero(var service) -> director.zero(service);
            case Command.SetTimeouts t -> director.setTimeouts(t);
            case Command.ListTimeouts() -> {
                ApiTypes.Timeouts t = director.timeouts();
                out.print(IpvsadmLayouts.timeouts(t.tcp(), t.tcpfin(), t.udp()) + "\n");
            }
            case Command.ListConnections list -> {
                StringBuilder text = new StringBuilder();
                ConnectionLister.Listing listing = new ConnectionLister(director, resolver, lookupBudget).lines(list);
                listing.lines().forEach(l -> text.append(l).append('\n'));
                out.print(text);
                if (listing.note() != null) {
                    out.flush();
                    err.print(PROGRAM + ": " + listing.note() + "\n");
                }
            }
            case Command.Restore() -> throw new IllegalStateException("-R is run before a director is chosen");
            case ListTable list -> {
                StringBuilder text = new StringBuilder();
                new TableLister(director, resolver, lookupBudget).lines(list).forEach(l -> text.append(l).append('\n'));
                out.print(text);
            }
        }
    }

    private static String version() {
        String version = Vsadm.class.getPackage().getImplementationVersion();
        return version == null ? "(development build)" : version;
    }

    /** Every error is one line: a director's detail may carry newlines. */
    static String oneLine(String message) {
        return message == null ? "unknown error" : message.strip().replaceAll("\\s*[\\r\\n]+\\s*", " ");
    }
}
