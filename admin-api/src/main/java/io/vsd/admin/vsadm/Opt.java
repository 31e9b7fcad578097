package io.vsd.admin.vsadm;

/** The options a command may take, named as ipvsadm's optnames[] names them in its error messages. */
enum Opt {
    NUMERIC("numeric"),
    CONNECTION("connection"),
    SERVICE("service-address"),
    SCHEDULER("scheduler"),
    PERSISTENT("persistent"),
    NETMASK("netmask"),
    REAL_SERVER("real-server"),
    FORWARD("forwarding-method"),
    WEIGHT("weight"),
    U_THRESHOLD("u-threshold"),
    L_THRESHOLD("l-threshold"),
    TIMEOUT("timeout"),
    NOSORT("nosort"),
    THRESHOLDS("thresholds"),
    PERSISTENT_CONN("persistent-conn"),
    STATS("stats"),
    RATE("rate"),
    EXACT("exact"),
    OPS("ops"),
    SCHED_FLAGS("sched-flags");

    private final String ipvsadmName;

    Opt(String ipvsadmName) {
        this.ipvsadmName = ipvsadmName;
    }

    String ipvsadmName() {
        return ipvsadmName;
    }
}
