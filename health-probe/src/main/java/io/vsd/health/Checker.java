package io.vsd.health;

import io.vertx.core.Future;
import java.time.Duration;

/**
 * One kind of health check of one address (Seesaw's shape: a check and its description). A checker never
 * blocks the event loop, and its future completes within {@code timeout}, with a success or a failure: a failed
 * future means the same as {@link CheckResult#fail}.
 */
interface Checker {

  /** Checks once. The result's message says what was done and what was seen. */
  Future<CheckResult> check(Duration timeout);

  /** What this checker does, e.g. {@code "http GET http://10.0.0.2:80/health"}: the {@code checker} of events. */
  String describe();
}
