package io.vsd.services.model;

/**
 * How packets reach a real server: LVS's forwarding methods. vsd's default is masq, where ipvsadm's is
 * route (-g): vsd's data plane is a user-space proxy, which is masquerading by nature.
 */
public enum ForwardingMethod {
  MASQ("masq", "Masq", "-m"),
  ROUTE("route", "Route", "-g"),
  TUNNEL("tunnel", "Tunnel", "-i");

  private final String id;
  private final String label;
  private final String flag;

  ForwardingMethod(String id, String label, String flag) {
    this.id = id;
    this.label = label;
    this.flag = flag;
  }

  /** JSON name. */
  public String id() {
    return id;
  }

  /** The Forward column of ipvsadm -L. */
  public String label() {
    return label;
  }

  /** ipvsadm's switch. */
  public String flag() {
    return flag;
  }

  public static ForwardingMethod parse(String s) {
    for (ForwardingMethod m : values()) {
      if (m.id.equalsIgnoreCase(s) || m.label.equalsIgnoreCase(s)) {
        return m;
      }
    }
    throw new IllegalArgumentException("forward must be masq, route or tunnel, got " + Protocol.quote(s));
  }
}
