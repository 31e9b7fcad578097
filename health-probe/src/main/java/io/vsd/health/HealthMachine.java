package io.vsd.health;

/**
 * The rise/fall state machine of one probe: {@code rise} consecutive successes bring a down server up, {@code
 * fall} consecutive failures take an up server down, and anything in between changes nothing, so a server that
 * passes and fails by turns does not flap. Not thread-safe: a probe uses it from its verticle's context.
 */
final class HealthMachine {
  private final int rise;
  private final int fall;
  private boolean up;
  private int successes;
  private int failures;

  /** @param up the initial state: false with alpha (down until proven up) */
  HealthMachine(boolean up, int rise, int fall) {
    this.up = up;
    this.rise = rise;
    this.fall = fall;
  }

  /** Records one check result; true when the state changed. */
  boolean record(boolean ok) {
    if (ok) {
      successes++;
      failures = 0;
      if (!up && successes >= rise) {
        up = true;
        return true;
      }
    } else {
      failures++;
      successes = 0;
      if (up && failures >= fall) {
        up = false;
        return true;
      }
    }
    return false;
  }

  /** Takes the server down at once (passive detection); it needs {@code rise} successes to come back. */
  boolean forceDown() {
    successes = 0;
    failures = Math.max(failures, fall);
    if (up) {
      up = false;
      return true;
    }
    return false;
  }

  /** Takes another director's view of the server (a check probed elsewhere in the cluster). */
  void set(boolean up, int successes, int failures) {
    this.up = up;
    this.successes = successes;
    this.failures = failures;
  }

  /** The last results differ from the state: the server may be about to change. */
  boolean changing() {
    return up ? failures > 0 : successes > 0;
  }

  boolean up() {
    return up;
  }

  int successes() {
    return successes;
  }

  int failures() {
    return failures;
  }
}
