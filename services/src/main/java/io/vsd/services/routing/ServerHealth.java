package io.vsd.services.routing;

import io.vsd.eventbus.HealthEvent;
import io.vsd.services.model.RealServer;

/**
 * What health checking says of one real server of one service: up or down, and a dynamic weight (agent check,
 * exec check with dynamic weights). Kept apart from the configured weight, so that a weight an operator sets while
 * the server is down is the weight it comes back with: the effective weight is computed from both.
 *
 * @param up            the state
 * @param weight        dynamic weight, absolute; null: none
 * @param weightPercent dynamic weight as a percentage of the configured one; null: none
 * @param checkId       the check this state is of ({@link io.vsd.services.model.CheckSpec#id})
 */
public record ServerHealth(boolean up, Integer weight, Integer weightPercent, String checkId) {

  /** The weight schedulers use while the server is up. */
  public int effectiveWeight(int configured) {
    return effectiveWeight(configured, weight, weightPercent);
  }

  /**
   * The configured weight adjusted by a dynamic one: an absolute dynamic weight replaces it; a percentage scales it
   * (rounded up, so that 1% of weight 1 is still 1; 0% is 0, HAProxy's drain).
   */
  public static int effectiveWeight(int configured, Integer weight, Integer weightPercent) {
    if (weight != null) {
      return Math.min(weight, RealServer.MAX_WEIGHT);
    }
    if (weightPercent != null) {
      long scaled = ((long) configured * weightPercent + 99) / 100;
      return (int) Math.min(scaled, RealServer.MAX_WEIGHT);
    }
    return configured;
  }

  public String state() {
    return up ? HealthEvent.UP : HealthEvent.DOWN;
  }
}
