package io.vsd.admin.vsadm;

import static io.vsd.admin.vsadm.Opt.FORWARD;
import static io.vsd.admin.vsadm.Opt.L_THRESHOLD;
import static io.vsd.admin.vsadm.Opt.NETMASK;
import static io.vsd.admin.vsadm.Opt.NOSORT;
import static io.vsd.admin.vsadm.Opt.NUMERIC;
import static io.vsd.admin.vsadm.Opt.OPS;
import static io.vsd.admin.vsadm.Opt.PERSISTENT;
import static io.vsd.admin.vsadm.Opt.REAL_SERVER;
import static io.vsd.admin.vsadm.Opt.SCHEDULER;
import static io.vsd.admin.vsadm.Opt.SCHED_FLAGS;
import static io.vsd.admin.vsadm.Opt.SERVICE;
import static io.vsd.admin.vsadm.Opt.U_THRESHOLD;
import static io.vsd.admin.vsadm.Opt.WEIGHT;

import java.util.Set;

/**
 * The commands, each with the options it must have and the ones it may have: ipvsadm's
 * commands_v_options table ('+' is required, ' ' allowed, anything else illegal).
 */
enum Verb {
    ADD_SERVICE("add-service", Set.of(SERVICE), Set.of(SCHEDULER, PERSISTENT, NETMASK, SCHED_FLAGS, OPS)),
    EDIT_SERVICE("edit-service", Set.of(SERVICE), Set.of(SCHEDULER, PERSISTENT, NETMASK, SCHED_FLAGS, OPS)),
    DELETE_SERVICE("delete-service", Set.of(SERVICE), Set.of()),
    CLEAR("clear", Set.of(), Set.of()),
    LIST("list", Set.of(), Set.of(NUMERIC, SERVICE, NOSORT, Opt.THRESHOLDS, Opt.PERSISTENT_CONN, Opt.STATS, Opt.RATE,
            Opt.EXACT, Opt.CONNECTION, Opt.TIMEOUT)),
    ZERO("zero", Set.of(), Set.of(SERVICE)),
    ADD_SERVER("add-server", Set.of(SERVICE, REAL_SERVER), Set.of(FORWARD, WEIGHT, U_THRESHOLD, L_THRESHOLD)),
    EDIT_SERVER("edit-server", Set.of(SERVICE, REAL_SERVER), Set.of(FORWARD, WEIGHT, U_THRESHOLD, L_THRESHOLD)),
    DELETE_SERVER("delete-server", Set.of(SERVICE, REAL_SERVER), Set.of()),
    SAVE("save", Set.of(), Set.of(NUMERIC)),
    SET("set", Set.of(), Set.of()),
    RESTORE("restore", Set.of(), Set.of()),
    HELP("help", Set.of(), Set.of()),
    VERSION("version", Set.of(), Set.of());

    private final String ipvsadmName;
    private final Set<Opt> required;
    private final Set<Opt> optional;

    Verb(String ipvsadmName, Set<Opt> required, Set<Opt> optional) {
        this.ipvsadmName = ipvsadmName;
        this.required = required;
        this.optional = optional;
    }

    String ipvsadmName() {
        return ipvsadmName;
    }

    boolean requires(Opt opt) {
        return required.contains(opt);
    }

    boolean allows(Opt opt) {
        return required.contains(opt) || optional.contains(opt);
    }
}
