package io.vsd.admin.http;

import io.vertx.core.Future;
import io.vertx.core.Promise;
import io.vertx.core.Vertx;
import io.vertx.core.json.JsonObject;
import io.vsd.eventbus.Addresses;
import io.vsd.eventbus.RoutingApplied;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/**
 * Follows {@link Addresses#ROUTING_APPLIED}, so that the API answers a change only once this director's data
 * plane runs on it: a client that connects right after the 2xx already gets the new table.
 */
final class AppliedVersions {
  private record Waiter(long version, Promise<RoutingApplied> promise, long timer) {}

  private final Vertx vertx;
  private RoutingApplied last = new RoutingApplied(-1, Map.of());
  private final List<Waiter> waiters = new ArrayList<>();

  AppliedVersions(Vertx vertx) {
    this.vertx = vertx;
  }

  Future<Void> start() {
    return vertx.eventBus().<JsonObject>localConsumer(Addresses.ROUTING_APPLIED, m -> onApplied(RoutingApplied.fromJson(m.body())))
        .completion();
  }

  private void onApplied(RoutingApplied applied) {
    if (applied.version() <= last.version()) {
      return;
    }
    last = applied;
    waiters.removeIf(w -> {
      if (w.version <= applied.version()) {
        vertx.cancelTimer(w.timer);
        w.promise.tryComplete(applied);
        return true;
      }
      return false;
    });
  }

  /** Completes when {@code version} is in force, or with the last known state after {@code timeoutMs}. */
  Future<RoutingApplied> await(long version, long timeoutMs) {
    if (last.version() >= version) {
      return Future.succeededFuture(last);
    }
    Promise<RoutingApplied> promise = Promise.promise();
    long timer = vertx.setTimer(timeoutMs, id -> {
      waiters.removeIf(w -> w.promise == promise);
      promise.tryComplete(last);
    });
    waiters.add(new Waiter(version, promise, timer));
    return promise.future();
  }
}
