package io.vsd.admin.vsadm;

import java.util.Optional;

/**
 * Every switch of ipvsadm's command line, long and short, plus vsadm's own {@code --server}. Each one is
 * a command (a {@link Verb}) or an option (an {@link Opt}); the ones vsd cannot do yet are here too, so
 * that they fail with a clear word instead of "unknown option".
 */
enum Switch {
    ADD_SERVICE("add-service", 'A', Verb.ADD_SERVICE),
    EDIT_SERVICE("edit-service", 'E', Verb.EDIT_SERVICE),
    DELETE_SERVICE("delete-service", 'D', Verb.DELETE_SERVICE),
    CLEAR("clear", 'C', Verb.CLEAR),
    LIST("list", 'L', Verb.LIST),
    LIST_LOWER(null, 'l', Verb.LIST),
    ADD_SERVER("add-server", 'a', Verb.ADD_SERVER),
    EDIT_SERVER("edit-server", 'e', Verb.EDIT_SERVER),
    DELETE_SERVER("delete-server", 'd', Verb.DELETE_SERVER),
    HELP("help", 'h', Verb.HELP),
    VERSION("version", 'v', Verb.VERSION),

    TCP_SERVICE("tcp-service", 't', Arg.REQUIRED, Opt.SERVICE),
    UDP_SERVICE("udp-service", 'u', Arg.REQUIRED, Opt.SERVICE),
    SCHEDULER("scheduler", 's', Arg.REQUIRED, Opt.SCHEDULER),
    PERSISTENT("persistent", 'p', Arg.OPTIONAL_NUMBER, Opt.PERSISTENT),
    NETMASK("netmask", 'M', Arg.REQUIRED, Opt.NETMASK),
    SCHED_FLAGS("sched-flags", 'b', Arg.REQUIRED, Opt.SCHED_FLAGS),
    OPS("ops", 'o', Arg.NONE, Opt.OPS),
    REAL_SERVER("real-server", 'r', Arg.REQUIRED, Opt.REAL_SERVER),
    MASQUERADING("masquerading", 'm', Arg.NONE, Opt.FORWARD),
    GATEWAYING("gatewaying", 'g', Arg.NONE, Opt.FORWARD),
    IPIP("ipip", 'i', Arg.NONE, Opt.FORWARD),
    WEIGHT("weight", 'w', Arg.REQUIRED, Opt.WEIGHT),
    U_THRESHOLD("u-threshold", 'x', Arg.REQUIRED, Opt.U_THRESHOLD),
    L_THRESHOLD("l-threshold", 'y', Arg.REQUIRED, Opt.L_THRESHOLD),
    NUMERIC("numeric", 'n', Arg.NONE, Opt.NUMERIC),
    NOSORT("nosort", Switch.NO_SHORT, Arg.NONE, Opt.NOSORT),
    /** ipvsadm takes --sort and ignores it: sorting is the default. */
    SORT("sort", Switch.NO_SHORT, Arg.NONE, null),
    /** vsadm's own: the director's admin API. */
    SERVER("server", Switch.NO_SHORT, Arg.REQUIRED, null),
    /** vsadm's own: a file holding the admin API's token. */
    TOKEN_FILE("token-file", Switch.NO_SHORT, Arg.REQUIRED, null),

    ZERO("zero", 'Z', Verb.ZERO),
    SAVE("save", 'S', Verb.SAVE),
    RESTORE("restore", 'R', Verb.RESTORE),
    /** {@code --set tcp tcpfin udp}: takes the three words after it (ipvsadm reads them as leftover arguments). */
    SET("set", Switch.NO_SHORT, Arg.THREE, Verb.SET, null, Support.YES),
    CONNECTION("connection", 'c', Arg.NONE, Opt.CONNECTION),
    STATS("stats", Switch.NO_SHORT, Arg.NONE, Opt.STATS),
    RATE("rate", Switch.NO_SHORT, Arg.NONE, Opt.RATE),
    THRESHOLDS("thresholds", Switch.NO_SHORT, Arg.NONE, Opt.THRESHOLDS),
    PERSISTENT_CONN("persistent-conn", Switch.NO_SHORT, Arg.NONE, Opt.PERSISTENT_CONN),
    TIMEOUT("timeout", Switch.NO_SHORT, Arg.NONE, Opt.TIMEOUT),
    EXACT("exact", 'X', Arg.NONE, Opt.EXACT),
    PE("pe", Switch.NO_SHORT, Support.NOT_YET, Arg.REQUIRED),
    // vsd has no firewall marks, and directors share the table over the cluster, not a sync daemon.
    FWMARK_SERVICE("fwmark-service", 'f', Support.NEVER, Arg.REQUIRED),
    IPV6("ipv6", '6', Support.NEVER, Arg.NONE),
    START_DAEMON("start-daemon", Switch.NO_SHORT, Support.NEVER, Arg.REQUIRED),
    STOP_DAEMON("stop-daemon", Switch.NO_SHORT, Support.NEVER, Arg.REQUIRED),
    DAEMON("daemon", Switch.NO_SHORT, Support.NEVER, Arg.NONE),
    MCAST_INTERFACE("mcast-interface", Switch.NO_SHORT, Support.NEVER, Arg.REQUIRED),
    SYNCID("syncid", Switch.NO_SHORT, Support.NEVER, Arg.REQUIRED);

    /**
     * Whether a switch takes a value: none, one, a number if the next word is one (ipvsadm's -p), or the next three
     * words (--set).
     */
    enum Arg { NONE, REQUIRED, OPTIONAL_NUMBER, THREE }

    enum Support { YES, NOT_YET, NEVER }

    /** Written qualified above: enum constants may only name a later constant that way. */
    private static final char NO_SHORT = 0;

    private final String longName;
    private final char shortName;
    private final Arg arg;
    private final Verb verb;
    private final Opt opt;
    private final Support support;

    Switch(String longName, char shortName, Verb verb) {
        this(longName, shortName, Arg.NONE, verb, null, Support.YES);
    }

    Switch(String longName, char shortName, Arg arg, Opt opt) {
        this(longName, shortName, arg, null, opt, Support.YES);
    }

    Switch(String longName, char shortName, Support support, Arg arg) {
        this(longName, shortName, arg, null, null, support);
    }

    Switch(String longName, char shortName, Arg arg, Verb verb, Opt opt, Support support) {
        this.longName = longName;
        this.shortName = shortName;
        this.arg = arg;
        this.verb = verb;
        this.opt = opt;
        this.support = support;
    }

    Arg arg() {
        return arg;
    }

    /** The command this switch gives, or null for an option. */
    Verb verb() {
        return verb;
    }

    /** The option this switch sets, or null for a command or a switch outside ipvsadm's table. */
    Opt opt() {
        return opt;
    }

    Support support() {
        return support;
    }

    static Optional<Switch> byLong(String name) {
        for (Switch s : values()) {
            if (name.equals(s.longName)) {
                return Optional.of(s);
            }
        }
        return Optional.empty();
    }

    static Optional<Switch> byShort(char name) {
        for (Switch s : values()) {
            if (s.shortName != NO_SHORT && s.shortName == name) {
                return Optional.of(s);
            }
        }
        return Optional.empty();
    }
}
