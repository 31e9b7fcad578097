package io.vsd.admin.vsadm;

import io.vsd.admin.vsadm.AddressParser.BadAddress;
import io.vsd.admin.vsadm.AddressParser.HostPort;
import io.vsd.admin.vsadm.Command.AddServer;
import io.vsd.admin.vsadm.Command.AddService;
import io.vsd.admin.vsadm.Command.Clear;
import io.vsd.admin.vsadm.Command.DeleteServer;
import io.vsd.admin.vsadm.Command.DeleteService;
import io.vsd.admin.vsadm.Command.EditServer;
import io.vsd.admin.vsadm.Command.EditService;
import io.vsd.admin.vsadm.Command.Help;
import io.vsd.admin.vsadm.Command.ListFormat;
import io.vsd.admin.vsadm.Command.ListTable;
import io.vsd.admin.vsadm.Command.Persistence;
import io.vsd.admin.vsadm.Command.RealServer;
import io.vsd.admin.vsadm.Command.ServiceAttributes;
import io.vsd.admin.vsadm.Command.Version;
import java.net.InetAddress;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.EnumMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * ipvsadm's command line: one command, then options, long ({@code --weight 3}, {@code --weight=3}) or
 * short, bundled as popt bundles them ({@code -Ln}, {@code -at 10.0.0.1:80}, {@code -w3}).
 */
final class CommandLine {
    /** ipvsadm's MAX_TIMEOUT: 31 days. */
    static final int MAX_PERSISTENCE_TIMEOUT = 86400 * 31;
    /** --set's three words, held as one value: a character no argument word can hold. */
    private static final String SET_SEPARATOR = "\u0000";

    private final AddressParser addresses;

    CommandLine(Resolver resolver) {
        this.addresses = new AddressParser(resolver);
    }

    /** What a command line asks for; {@code server} and {@code tokenFile} are null when not given. */
    record Invocation(Command command, String server, String tokenFile) {
    }

    /** One switch as it was given: its spelling (for messages) and its value, if it takes one. */
    private record Given(Switch option, String spelled, String value) {
    }

    Invocation parse(List<String> args) throws VsadmException {
        Verb verb = null;
        String verbValue = null;
        String server = null;
        String tokenFile = null;
        Map<Opt, Given> options = new EnumMap<>(Opt.class);
        for (Given given : tokenize(args)) {
            Switch option = given.option();
            if (option.verb() != null) {
                if (verb != null) {
                    throw VsadmException.usage("multiple commands specified");
                }
                verb = option.verb();
                verbValue = given.value();
            } else if (option == Switch.SERVER) {
                if (server != null) {
                    throw VsadmException.usage("multiple '--server' options specified");
                }
                server = given.value();
            } else if (option == Switch.TOKEN_FILE) {
                if (tokenFile != null) {
                    throw VsadmException.usage("multiple '--token-file' options specified");
                }
                tokenFile = given.value();
            } else if (option.opt() != null && options.putIfAbsent(option.opt(), given) != null) {
                throw VsadmException.usage("multiple '%s' options specified", option.opt().ipvsadmName());
            }
        }
        if (verb == null) {
            if (options.isEmpty()) {
                // As ipvsadm: no command at all lists the table.
                return new Invocation(new ListTable(null, new ListFormat(false, true)), server, tokenFile);
            }
            throw VsadmException.usage("no command specified (try vsadm -h)");
        }
        checkOptions(verb, options);
        if (verb == Verb.LIST) {
            checkListOptions(options);
        }
        if (verb == Verb.SET) {
            return new Invocation(setTimeouts(verbValue), server, tokenFile);
        }
        return new Invocation(command(verb, options), server, tokenFile);
    }

    private static List<Given> tokenize(List<String> args) throws VsadmException {
        List<Given> given = new ArrayList<>();
        for (int i = 0; i < args.size(); i++) {
            String arg = args.get(i);
            if (arg.equals("--")) {
                if (i + 1 < args.size()) {
                    throw VsadmException.usage("unexpected argument %s", args.get(i + 1));
                }
            } else if (arg.startsWith("--")) {
                int eq = arg.indexOf('=');
                String name = eq < 0 ? arg.substring(2) : arg.substring(2, eq);
                String spelled = "--" + name;
                Switch option = supported(Switch.byLong(name), spelled);
                String value = eq < 0 ? null : arg.substring(eq + 1);
                if (option.arg() == Switch.Arg.NONE && value != null) {
                    throw VsadmException.usage("option %s takes no value", spelled);
                }
                if (option.arg() == Switch.Arg.THREE) {
                    if (value != null || i + 3 >= args.size()) {
                        throw VsadmException.usage("--set option requires 3 timeout values");
                    }
                    value = String.join(SET_SEPARATOR, args.subList(i + 1, i + 4));
                    i += 3;
                } else if (value == null && takesNext(option, args, i)) {
                    value = next(args, ++i, spelled);
                }
                given.add(new Given(option, spelled, value));
            } else if (arg.startsWith("-") && arg.length() > 1) {
                for (int j = 1; j < arg.length(); j++) {
                    char name = arg.charAt(j);
                    String spelled = "-" + name;
                    Switch option = supported(Switch.byShort(name), spelled);
                    String rest = arg.substring(j + 1);
                    String value = null;
                    // The rest of the word is the value (-w3, -p600), else the next word is, if one is wanted.
                    if (option.arg() == Switch.Arg.REQUIRED && !rest.isEmpty()
                            || option.arg() == Switch.Arg.OPTIONAL_NUMBER && isNumber(rest)) {
                        value = rest;
                        j = arg.length();
                    } else if (rest.isEmpty() && takesNext(option, args, i)) {
                        value = next(args, ++i, spelled);
                    }
                    given.add(new Given(option, spelled, value));
                }
            } else {
                throw VsadmException.usage("unexpected argument %s", arg);
            }
        }
        return given;
    }

    /** Stops at the first switch vsd cannot do, before its arguments (--set's three) confuse the rest. */
    private static Switch supported(Optional<Switch> option, String spelled) throws VsadmException {
        Switch known = option.orElseThrow(() -> VsadmException.usage("unknown option %s", spelled));
        return switch (known.support()) {
            case YES -> known;
            case NOT_YET -> throw VsadmException.usage("%s is not supported yet", spelled);
            case NEVER -> throw VsadmException.usage("%s is not supported by vsd", spelled);
        };
    }

    private static boolean takesNext(Switch option, List<String> args, int i) {
        return option.arg() == Switch.Arg.REQUIRED
                || option.arg() == Switch.Arg.OPTIONAL_NUMBER && i + 1 < args.size() && isNumber(args.get(i + 1));
    }

    private static String next(List<String> args, int i, String spelled) throws VsadmException {
        if (i >= args.size()) {
            throw VsadmException.usage("option %s requires an argument", spelled);
        }
        return args.get(i);
    }

    private static boolean isNumber(String text) {
        return text.matches("[0-9]+");
    }

    /** ipvsadm's generic_opt_check, column by column so that the same mistake gets the same message. */
    private static void checkOptions(Verb verb, Map<Opt, Given> options) throws VsadmException {
        for (Opt opt : Opt.values()) {
            if (!options.containsKey(opt) && verb.requires(opt)) {
                throw VsadmException.usage("You need to supply the '%s' option for the '%s' command",
                        opt.ipvsadmName(), verb.ipvsadmName());
            }
            if (options.containsKey(opt) && !verb.allows(opt)) {
                throw VsadmException.usage("Illegal '%s' option with the '%s' command",
                        opt.ipvsadmName(), verb.ipvsadmName());
            }
        }
    }

    /** {@code --set tcp tcpfin udp}: each 0..MAX_TIMEOUT, as ipvsadm's parse_timeout takes them. */
    private static Command setTimeouts(String words) throws VsadmException {
        String[] w = words.split(SET_SEPARATOR, -1);
        String error = "invalid timeout value `%s' specified";
        return new Command.SetTimeouts(number(w[0], 0, MAX_PERSISTENCE_TIMEOUT, error),
                number(w[1], 0, MAX_PERSISTENCE_TIMEOUT, error), number(w[2], 0, MAX_PERSISTENCE_TIMEOUT, error));
    }

    /**
     * ipvsadm's '1' options of the list command: -c, a service and --timeout exclude each other (named in
     * ipvsadm's optnames order), and -c or --timeout go with none of --stats, --rate, --thresholds.
     */
    private static void checkListOptions(Map<Opt, Given> options) throws VsadmException {
        Opt first = null;
        for (Opt opt : List.of(Opt.CONNECTION, Opt.SERVICE, Opt.TIMEOUT)) {
            if (options.containsKey(opt)) {
                if (first != null) {
                    throw VsadmException.usage("The option '%s' conflicts with '%s' option in the '%s' command",
                            opt.ipvsadmName(), first.ipvsadmName(), Verb.LIST.ipvsadmName());
                }
                first = opt;
            }
        }
        boolean counters = options.containsKey(Opt.STATS) || options.containsKey(Opt.RATE)
                || options.containsKey(Opt.THRESHOLDS);
        if ((options.containsKey(Opt.CONNECTION) || options.containsKey(Opt.TIMEOUT)) && counters
                || options.containsKey(Opt.TIMEOUT) && options.containsKey(Opt.PERSISTENT_CONN)) {
            throw VsadmException.usage("options conflicts in the list command");
        }
    }

    private Command command(Verb verb, Map<Opt, Given> options) throws VsadmException {
        ServiceKey service = options.containsKey(Opt.SERVICE) ? service(options.get(Opt.SERVICE)) : null;
        return switch (verb) {
            case ADD_SERVICE -> new AddService(service, serviceAttributes(service, options));
            case EDIT_SERVICE -> new EditService(service, serviceAttributes(service, options));
            case DELETE_SERVICE -> new DeleteService(service);
            case CLEAR -> new Clear();
            case LIST -> options.containsKey(Opt.CONNECTION)
                    ? new Command.ListConnections(options.containsKey(Opt.NUMERIC), options.containsKey(Opt.PERSISTENT_CONN))
                    : options.containsKey(Opt.TIMEOUT) ? new Command.ListTimeouts()
                    : new ListTable(service,
                    new ListFormat(options.containsKey(Opt.NUMERIC), !options.containsKey(Opt.NOSORT),
                            // ipvsadm's print_title tests --stats, --rate, --thresholds, --persistent-conn in this order.
                            options.containsKey(Opt.STATS) ? Command.Columns.STATS
                                    : options.containsKey(Opt.RATE) ? Command.Columns.RATE
                                    : options.containsKey(Opt.THRESHOLDS) ? Command.Columns.THRESHOLDS
                                    : options.containsKey(Opt.PERSISTENT_CONN) ? Command.Columns.PERSISTENT_CONN
                                    : Command.Columns.DEFAULT,
                            options.containsKey(Opt.EXACT)));
            case ZERO -> new Command.Zero(service);
            case ADD_SERVER -> new AddServer(service, realServer(service, options));
            case EDIT_SERVER -> new EditServer(service, realServer(service, options));
            case DELETE_SERVER -> new DeleteServer(service, realServerAddress(service, options.get(Opt.REAL_SERVER)));
            case SAVE -> new Command.Save(options.containsKey(Opt.NUMERIC));
            case SET -> throw new IllegalStateException("--set is made in parse");
            case RESTORE -> new Command.Restore();
            case HELP -> new Help();
            case VERSION -> new Version();
        };
    }

    private ServiceKey service(Given given) throws VsadmException {
        Protocol protocol = given.option() == Switch.UDP_SERVICE ? Protocol.UDP : Protocol.TCP;
        try {
            HostPort vip = addresses.parse(given.value(), protocol);
            if (vip.port().isEmpty()) {
                throw new BadAddress("a virtual service needs a port");
            }
            return new ServiceKey(protocol, new Endpoint(vip.address(), vip.port().getAsInt()));
        } catch (BadAddress e) {
            throw VsadmException.usage("illegal virtual server address[:port] specified: %s (%s)",
                    given.value(), e.getMessage());
        }
    }

    private static ServiceAttributes serviceAttributes(ServiceKey service, Map<Opt, Given> options) throws VsadmException {
        String scheduler = value(options, Opt.SCHEDULER, ServiceAttributes.DEFAULT_SCHEDULER);
        if (scheduler.isBlank()) {
            throw VsadmException.usage("illegal scheduler specified: '%s'", scheduler);
        }
        List<String> flags = List.of();
        if (options.containsKey(Opt.SCHED_FLAGS)) {
            String text = options.get(Opt.SCHED_FLAGS).value();
            flags = Arrays.asList(text.split(",", -1));
            if (flags.stream().anyMatch(String::isBlank)) {
                throw VsadmException.usage("illegal scheduler flags specified: '%s'", text);
            }
        }
        // -M without -p is taken and then has no effect, as in ipvsadm; a wrong one is still an error.
        String netmask = netmask(options, service.vip().ipv6());
        Persistence persistence = null;
        if (options.containsKey(Opt.PERSISTENT)) {
            String timeout = options.get(Opt.PERSISTENT).value();
            persistence = new Persistence(timeout == null ? Persistence.DEFAULT_TIMEOUT
                    : number(timeout, 1, MAX_PERSISTENCE_TIMEOUT, "invalid timeout value `%s' specified"), netmask);
        }
        boolean ops = options.containsKey(Opt.OPS);
        if (ops && service.protocol() != Protocol.UDP) {
            throw VsadmException.usage("One-Packet Scheduling is only for UDP virtual services");
        }
        return new ServiceAttributes(scheduler, flags, persistence, ops);
    }

    private static String netmask(Map<Opt, Given> options, boolean ipv6) throws VsadmException {
        if (!options.containsKey(Opt.NETMASK)) {
            return ipv6 ? Persistence.HOST_MASK_V6 : Persistence.HOST_MASK_V4;
        }
        String mask = options.get(Opt.NETMASK).value();
        if (ipv6) {
            return String.valueOf(number(mask, 1, 128, "illegal ipv6 netmask specified: %s"));
        }
        InetAddress parsed = InetText.parseIpv4(mask);
        if (parsed == null) {
            throw VsadmException.usage("illegal virtual server persistent mask specified: %s", mask);
        }
        return InetText.format(parsed);
    }

    private RealServer realServer(ServiceKey service, Map<Opt, Given> options) throws VsadmException {
        Forward forward = switch (options.containsKey(Opt.FORWARD) ? options.get(Opt.FORWARD).option() : Switch.MASQUERADING) {
            case GATEWAYING -> Forward.ROUTE;
            case IPIP -> Forward.TUNNEL;
            default -> Forward.MASQ; // vsd's default: its data plane is a user-space proxy (ipvsadm's is -g)
        };
        int weight = options.containsKey(Opt.WEIGHT)
                ? number(options.get(Opt.WEIGHT).value(), 0, 65535, "illegal weight specified: %s")
                : RealServer.DEFAULT_WEIGHT;
        int upper = options.containsKey(Opt.U_THRESHOLD)
                ? number(options.get(Opt.U_THRESHOLD).value(), 0, Integer.MAX_VALUE, "illegal u_threshold specified: %s")
                : 0;
        int lower = options.containsKey(Opt.L_THRESHOLD)
                ? number(options.get(Opt.L_THRESHOLD).value(), 0, Integer.MAX_VALUE, "illegal l_threshold specified: %s")
                : 0;
        return new RealServer(realServerAddress(service, options.get(Opt.REAL_SERVER)), forward, weight, upper, lower);
    }

    private Endpoint realServerAddress(ServiceKey service, Given given) throws VsadmException {
        String text = given.value();
        try {
            HostPort rip = addresses.parse(text, service.protocol());
            // As ipvsadm: a real server without a port listens on the virtual service's port.
            return new Endpoint(rip.address(), rip.port().orElse(service.vip().port()));
        } catch (BadAddress e) {
            throw VsadmException.usage("illegal real server address[:port] specified: %s (%s)", text, e.getMessage());
        }
    }

    private static String value(Map<Opt, Given> options, Opt opt, String otherwise) {
        Given given = options.get(opt);
        return given == null ? otherwise : given.value();
    }

    /** ipvsadm's string_to_number: decimal digits only, within [min, max]. */
    private static int number(String text, int min, int max, String error) throws VsadmException {
        if (text.matches("[0-9]{1,10}")) {
            long n = Long.parseLong(text);
            if (n >= min && n <= max) {
                return (int) n;
            }
        }
        throw VsadmException.usage(error, text);
    }
}
