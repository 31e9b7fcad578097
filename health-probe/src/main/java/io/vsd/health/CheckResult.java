package io.vsd.health;

/**
 * The outcome of one check.
 *
 * @param ok      up (true) or down (false)
 * @param message what was done and seen, e.g. {@code "TCP connect to 10.0.0.2:80: Connection refused"}
 * @param weight  a dynamic weight this check reports, or null when it reports none (the last one stays)
 */
record CheckResult(boolean ok, String message, DynamicWeight weight) {

  /**
   * A weight a check reports (agent checks; exec checks with dynamic weights). Both null: back to the configured
   * weight.
   *
   * @param absolute replaces the configured weight
   * @param percent  scales the configured weight
   */
  record DynamicWeight(Integer absolute, Integer percent) {
    static final DynamicWeight CONFIGURED = new DynamicWeight(null, null);
  }

  static CheckResult ok(String message) {
    return new CheckResult(true, message, null);
  }

  static CheckResult fail(String message) {
    return new CheckResult(false, message, null);
  }
}
