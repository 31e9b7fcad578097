package io.vsd.services.routing;

import io.vsd.services.scheduler.Destination;
import io.vsd.services.scheduler.PickContext;
import io.vsd.services.scheduler.Scheduler;

/**
 * A service's scheduler with its sorry server behind it: the sorry server takes a connection only when the
 * scheduler finds no real server available (all down, quiescent, overloaded, taken out by passive detection or
 * already tried for this connection). Lock-free, like the scheduler it wraps.
 */
final class SorryFallback implements Scheduler {
  private final Scheduler real;
  private final Destination sorry;

  SorryFallback(Scheduler real, Destination sorry) {
    this.real = real;
    this.sorry = sorry;
  }

  @Override
  public Destination pick(PickContext context) {
    Destination d = real.pick(context);
    if (d != null) {
      return d;
    }
    return sorry.available(context) ? sorry : null;
  }
}
