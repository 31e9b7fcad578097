package io.vsd.dataplane;

/**
 * How the UDP data plane keeps its sessions. Their timeout is not here: it is the table's udp timeout
 * ({@code ipvsadm --set tcp tcpfin udp}), read from the routing snapshot.
 *
 * @param maxSessions the most sessions this director keeps over all UDP services; a new one beyond it evicts the
 *                    least recently used
 */
public record UdpOptions(int maxSessions) {
  public static final int DEFAULT_MAX_SESSIONS = 65536;

  public UdpOptions {
    if (maxSessions < 1) {
      throw new IllegalArgumentException("maxSessions must be 1 or more, got " + maxSessions);
    }
  }

  /** 65536 sessions. */
  public static UdpOptions defaults() {
    return new UdpOptions(DEFAULT_MAX_SESSIONS);
  }
}
