package io.vsd.services.model;

import java.time.Duration;

/**
 * How a virtual service reacts to the health of its real servers (docs/health.md).
 *
 * @param check      the default check of its real servers; null: none (a real server may still have its own)
 * @param onFailure  what happens to a real server that is down
 * @param sorry      the sorry server, used only while no real server is available or the quorum is lost; null:
 *                   none
 * @param quorum     the least total weight of healthy real servers for the service to use them; 0: no quorum
 * @param hysteresis the quorum is lost below {@code quorum - hysteresis} and regained at {@code quorum +
 *                   hysteresis}
 * @param passive    passive detection by the data plane
 */
public record ServiceHealth(HealthCheck check, OnFailure onFailure, Endpoint sorry, int quorum, int hysteresis,
                            Passive passive) {

  /** No check, remove on failure, no sorry server, no quorum, default passive detection. */
  public static final ServiceHealth NONE = new ServiceHealth(null, OnFailure.REMOVE, null, 0, 0, Passive.DEFAULT);

  public ServiceHealth {
    onFailure = onFailure == null ? OnFailure.REMOVE : onFailure;
    passive = passive == null ? Passive.DEFAULT : passive;
  }

  /** What happens to a real server that health checks find down. */
  public enum OnFailure {
    /** Left out of the routing snapshot (keepalived's default). */
    REMOVE,
    /** Kept with weight 0: quiescent (keepalived's inhibit_on_failure). */
    INHIBIT;

    public String id() {
      return name().toLowerCase();
    }
  }

  /**
   * Passive detection: {@code failures} consecutive connect failures (or resets before any byte) within
   * {@code window} take a real server out at once, until its active check brings it back. Only for real servers
   * that have an active check. {@code failures} 0 turns it off.
   */
  public record Passive(int failures, Duration window) {
    public static final Passive DEFAULT = new Passive(3, Duration.ofSeconds(10));
    public static final Passive OFF = new Passive(0, Duration.ofSeconds(10));

    public boolean enabled() {
      return failures > 0;
    }
  }
}
