package io.vsd.services.model;

/**
 * ipvsadm's -p and -M: clients (masked by {@code netmask}) stick to one real server for {@code timeout}
 * seconds after their last connection ends.
 *
 * @param timeout         seconds, 1.. (ipvsadm's default 300)
 * @param netmask         a dotted IPv4 mask, or an IPv6 prefix length 1..128 written as a number
 * @param expireQuiescent drop a template whose real server has weight 0, so its clients move on (the
 *                        kernel's expire_quiescent_template sysctl, here per service); by default a
 *                        quiescent server keeps its sticky clients
 */
public record Persistence(int timeout, String netmask, boolean expireQuiescent) {
  public static final int DEFAULT_TIMEOUT = 300;
  public static final String HOST_MASK_V4 = "255.255.255.255";
  public static final String HOST_MASK_V6 = "128";

  public Persistence(int timeout, String netmask) {
    this(timeout, netmask, false);
  }
}
