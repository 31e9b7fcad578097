package io.vsd.eventbus.cluster;

import io.vertx.core.Future;
import io.vertx.core.VerticleBase;
import io.vertx.core.eventbus.DeliveryOptions;
import io.vertx.core.eventbus.Message;
import io.vertx.core.json.JsonObject;
import io.vsd.eventbus.Addresses;

/**
 * Publishes this director's counters on {@link Addresses#STATS} about once a second: the data plane's status
 * (listeners, ActiveConn and InActConn per service and real server), asked for on the local
 * {@link Addresses#DATA_PLANE_STATUS}. Nothing is published while there is no data plane to ask.
 */
public final class StatsVerticle extends VerticleBase {
  public static final long PERIOD_MS = 1_000;

  private final String self;
  private final long periodMs;
  private long timer = -1;
  private boolean asking;

  public StatsVerticle(String self) {
    this(self, PERIOD_MS);
  }

  public StatsVerticle(String self, long periodMs) {
    this.self = self;
    this.periodMs = periodMs;
  }

  @Override
  public Future<?> start() {
    timer = vertx.setPeriodic(periodMs, id -> tick());
    return Future.succeededFuture();
  }

  @Override
  public Future<?> stop() {
    vertx.cancelTimer(timer);
    return Future.succeededFuture();
  }

  private void tick() {
    if (asking) {
      return;
    }
    asking = true;
    vertx.eventBus().<JsonObject>request(Addresses.DATA_PLANE_STATUS, new JsonObject(),
            new DeliveryOptions().setLocalOnly(true).setSendTimeout(Math.max(100, periodMs - 100)))
        .map(Message::body)
        .onComplete(ar -> {
          asking = false;
          if (ar.succeeded()) {
            JsonObject status = ar.result();
            vertx.eventBus().publish(Addresses.STATS, new JsonObject()
                .put("director", self)
                .put("time", System.currentTimeMillis())
                .put("version", status.getLong("version"))
                .put("services", status.getJsonObject("services", new JsonObject())));
          }
        });
  }
}
