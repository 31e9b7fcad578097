package io.vsd.services.model;

/** The transport protocol of a virtual service: ipvsadm's -t and -u. */
public enum Protocol {
  TCP, UDP;

  /** The name used in JSON, URLs and service keys: "tcp" or "udp". */
  public String id() {
    return name().toLowerCase();
  }

  /** The column ipvsadm prints: "TCP" or "UDP". */
  public String label() {
    return name();
  }

  public static Protocol parse(String s) {
    if (s != null) {
      for (Protocol p : values()) {
        if (p.id().equalsIgnoreCase(s)) {
          return p;
        }
      }
    }
    throw new IllegalArgumentException("protocol must be tcp or udp, got " + quote(s));
  }

  static String quote(String s) {
    return s == null ? "nothing" : "\"" + s + "\"";
  }
}
