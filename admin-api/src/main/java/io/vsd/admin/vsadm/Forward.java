package io.vsd.admin.vsadm;

/** A real server's forwarding method: ipvsadm's {@code -m}, {@code -g}, {@code -i}. */
enum Forward {
    MASQ("masq", "Masq"),
    ROUTE("route", "Route"),
    TUNNEL("tunnel", "Tunnel"),
    LOCAL("local", "Local");

    private final String api;
    private final String label;

    Forward(String api, String label) {
        this.api = api;
        this.label = label;
    }

    String api() {
        return api;
    }

    /** ipvsadm's fwd_switch, for {@code -S}: Local is saved as direct routing, as ipvsadm saves it. */
    String saveSwitch() {
        return switch (this) {
            case MASQ -> "-m";
            case TUNNEL -> "-i";
            case ROUTE, LOCAL -> "-g";
        };
    }

    /** A method as the API names it; masquerading for one vsadm does not know. */
    static Forward fromApi(String api) {
        for (Forward f : values()) {
            if (f.api.equals(api)) {
                return f;
            }
        }
        return MASQ;
    }

    /** The Forward column of {@code -L}, for a method as the API names it. */
    static String label(String api) {
        for (Forward f : values()) {
            if (f.api.equals(api)) {
                return f.label;
            }
        }
        return api;
    }
}
