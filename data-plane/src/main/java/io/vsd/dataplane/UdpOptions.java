package io.vsd.dataplane;

import java.time.Duration;
import java.util.Objects;

/**
 * How the UDP data plane keeps its sessions.
 *
 * @param sessionTimeout how long a session lives after its last datagram either way: IPVS's udp timeout
 *                       ({@code ipvsadm --set tcp tcpfin udp}, 300 s by default). Read through
 *                       {@link UdpDataPlaneVerticle#sessionTimeout()} only, so that it can come from the routing
 *                       snapshot once {@code --set} puts it there.
 * @param maxSessions    the most sessions this director keeps over all UDP services; a new one beyond it evicts
 *                       the least recently used
 */
public record UdpOptions(Duration sessionTimeout, int maxSessions) {
  public static final Duration DEFAULT_SESSION_TIMEOUT = Duration.ofSeconds(300);
  public static final int DEFAULT_MAX_SESSIONS = 65536;

  public UdpOptions {
    Objects.requireNonNull(sessionTimeout, "sessionTimeout");
    if (sessionTimeout.toMillis() < 1) {
      throw new IllegalArgumentException("sessionTimeout must be 1 ms or more, got " + sessionTimeout);
    }
    if (maxSessions < 1) {
      throw new IllegalArgumentException("maxSessions must be 1 or more, got " + maxSessions);
    }
  }

  /** 300 s, 65536 sessions. */
  public static UdpOptions defaults() {
    return new UdpOptions(DEFAULT_SESSION_TIMEOUT, DEFAULT_MAX_SESSIONS);
  }
}
