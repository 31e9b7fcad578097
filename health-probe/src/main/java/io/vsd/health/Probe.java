package io.vsd.health;

import io.vertx.core.Future;
import io.vertx.core.Promise;
import io.vertx.core.Vertx;
import io.vertx.core.json.JsonObject;
import io.vsd.eventbus.HealthEvent;
import io.vsd.services.model.CheckSpec;
import io.vsd.services.model.Endpoint;
import io.vsd.services.model.ServiceKey;
import java.util.LinkedHashSet;
import java.util.Objects;
import java.util.Set;
import java.util.concurrent.ThreadLocalRandom;

/**
 * One check of one address, run on a timer, with its rise/fall state. Identical checks of the same address used
 * by several services (or several real servers) are one probe with several subscribers, so they run once per
 * interval. Runs on the health verticle's context only.
 *
 * <p>Timing: the next check starts a wait after the last one ended: {@code fastInterval} while the results differ
 * from the state, {@code downInterval} while down, {@code interval} otherwise, each times a random factor in
 * {@code [1 - jitter, 1 + jitter]}; the first check comes after a random part of {@code fastInterval}, so that
 * probes started together spread out.
 */
final class Probe {
  /** A real server of a service that uses this probe. */
  record Subscriber(ServiceKey service, Endpoint server) {}

  /** Where transitions go: the verticle publishes one event per subscriber ({@code only} null: all of them). */
  interface Events {
    void publish(Probe probe, Subscriber only, String kind, String oldState, String newState, String reason,
                 Double latencyMs, String source);

    /** A check of a probe this director owns ended: the cluster's shared state may have to follow. */
    default void checked(Probe probe, CheckResult result) {}
  }

  final String id;
  final CheckSpec spec;
  final Endpoint target;
  final Checker checker;
  final HealthMachine machine;
  final Set<Subscriber> subscribers = new LinkedHashSet<>();
  private final Vertx vertx;
  private final Events events;

  private Integer weight;
  private Integer weightPercent;
  private CheckResult last;
  private Double lastLatencyMs;
  private long lastTime;
  private long since = System.currentTimeMillis();
  private String reason;
  private long timer = -1;
  private boolean running;
  private boolean stopped;
  private boolean started;
  /** In a cluster: this director probes the check (docs/cluster.md); otherwise it follows the owner's state. */
  private boolean owned = true;
  /** Passive detection took the server down here while another director owns the check: probe it until it is up. */
  private boolean passiveHere;
  /** Whether a check ran since this director took the probe over. */
  private boolean checkedSinceOwned;
  /** The shared state last written, and when (clustered owners only). */
  String lastShared;
  long lastSharedTime;
  /** The director whose checks the state is from, when another one's. */
  String prober;

  Probe(Vertx vertx, String id, CheckSpec spec, Endpoint target, Checker checker, Events events) {
    this.vertx = vertx;
    this.id = id;
    this.spec = spec;
    this.target = target;
    this.checker = checker;
    this.events = events;
    this.machine = new HealthMachine(!spec.alpha(), spec.rise(), spec.fall());
    this.reason = spec.alpha() ? "alpha: down until proven up" : "initial state: up until checks fail";
  }

  void start() {
    started = true;
    if (active()) {
      scheduleFirst();
    }
  }

  /** Whether this director runs the checks: it owns the probe, or passive detection took the server down here. */
  boolean active() {
    return owned || passiveHere;
  }

  boolean owned() {
    return owned;
  }

  /** Whether a check ran here since this director took the probe over. */
  boolean checkedSinceOwned() {
    return checkedSinceOwned;
  }

  /** Whether the shared state may set this probe: another director checks it, or none ran here yet. */
  boolean followsShared() {
    return !passiveHere && (!owned || !checkedSinceOwned);
  }

  /** The cluster's sharding gave the probe to this director, or took it away. */
  void setOwned(boolean owned) {
    if (this.owned == owned) {
      return;
    }
    boolean wasActive = active();
    this.owned = owned;
    checkedSinceOwned = false;
    if (owned) {
      prober = null;
    }
    if (!started || stopped) {
      return;
    }
    if (active() && !wasActive && !running) {
      scheduleFirst();
    } else if (!active() && timer >= 0) {
      vertx.cancelTimer(timer);
      timer = -1;
    }
  }

  /** Takes the state another director's checks arrived at; true when up/down or the weight changed. */
  boolean follow(boolean up, Integer weight, Integer weightPercent, int successes, int failures, String reason,
                 long since, String prober) {
    boolean changed = machine.up() != up || !Objects.equals(this.weight, weight)
        || !Objects.equals(this.weightPercent, weightPercent);
    if (machine.up() != up) {
      this.since = since;
      this.reason = reason;
    }
    machine.set(up, successes, failures);
    this.weight = weight;
    this.weightPercent = weightPercent;
    this.prober = prober;
    return changed;
  }

  private void scheduleFirst() {
    long spread = Math.min(spec.fastInterval().toMillis(), spec.interval().toMillis());
    schedule(spread <= 1 ? 1 : ThreadLocalRandom.current().nextLong(1, spread + 1));
  }

  void stop() {
    stopped = true;
    if (timer >= 0) {
      vertx.cancelTimer(timer);
      timer = -1;
    }
  }

  String state() {
    return machine.up() ? HealthEvent.UP : HealthEvent.DOWN;
  }

  Integer weight() {
    return weight;
  }

  Integer weightPercent() {
    return weightPercent;
  }

  /** The data plane took the server out: down at once, and checked again soon to confirm or bring it back. */
  void forceDown(String why) {
    if (stopped) {
      return;
    }
    if (!owned) {
      passiveHere = true; // passive detection is this director's own: it checks until the server is back
    }
    if (machine.forceDown()) {
      reason = why;
      since = System.currentTimeMillis();
      events.publish(this, null, HealthEvent.KIND_STATE, HealthEvent.UP, HealthEvent.DOWN, why, null, "passive");
    }
    if (!running) {
      if (timer >= 0) {
        vertx.cancelTimer(timer);
      }
      schedule(jittered(spec.fastInterval().toMillis()));
    }
  }

  private void schedule(long delayMs) {
    timer = vertx.setTimer(Math.max(1, delayMs), id -> run());
  }

  private void run() {
    timer = -1;
    if (stopped || !active()) {
      return;
    }
    running = true;
    long t0 = System.nanoTime();
    long timeoutMs = Math.max(1, spec.timeout().toMillis());
    // A checker answers within its timeout; this guard only keeps a broken one from stopping the probe.
    Promise<CheckResult> settled = Promise.promise();
    long guard = vertx.setTimer(timeoutMs + 1_000, id ->
        settled.tryComplete(CheckResult.fail(checker.describe() + ": no answer within the timeout")));
    Future<CheckResult> f;
    try {
      f = checker.check(spec.timeout());
    } catch (RuntimeException e) {
      f = Future.failedFuture(e);
    }
    f.onComplete(ar -> settled.tryComplete(ar.succeeded() ? ar.result()
        : CheckResult.fail(checker.describe() + ": " + ar.cause().getMessage())));
    settled.future().onSuccess(r -> {
      vertx.cancelTimer(guard);
      done(r, (System.nanoTime() - t0) / 1e6);
    });
  }

  private void done(CheckResult r, double latencyMs) {
    running = false;
    if (stopped || !active()) {
      return; // the probe moved to another director meanwhile
    }
    checkedSinceOwned = true;
    last = r;
    lastLatencyMs = Math.round(latencyMs * 1000) / 1000.0;
    lastTime = System.currentTimeMillis();
    boolean weightChanged = false;
    if (r.ok() && r.weight() != null) {
      weightChanged = !Objects.equals(weight, r.weight().absolute())
          || !Objects.equals(weightPercent, r.weight().percent());
      weight = r.weight().absolute();
      weightPercent = r.weight().percent();
    }
    boolean wasUp = machine.up();
    if (machine.record(r.ok())) {
      reason = r.message();
      since = lastTime;
      events.publish(this, null, HealthEvent.KIND_STATE, wasUp ? HealthEvent.UP : HealthEvent.DOWN, state(),
          r.message(), lastLatencyMs, "check");
    } else if (weightChanged && machine.up()) {
      events.publish(this, null, HealthEvent.KIND_WEIGHT, state(), state(), r.message(), lastLatencyMs, "check");
    }
    if (passiveHere && machine.up()) {
      passiveHere = false; // back up: the owner's checks decide again
    }
    if (owned) {
      events.checked(this, r);
    }
    if (!active()) {
      return;
    }
    long base = machine.changing() ? spec.fastInterval().toMillis()
        : machine.up() ? spec.interval().toMillis() : spec.downInterval().toMillis();
    schedule(jittered(base));
  }

  private long jittered(long ms) {
    double j = spec.jitter();
    if (j <= 0) {
      return ms;
    }
    return Math.round(ms * (1 + j * (2 * ThreadLocalRandom.current().nextDouble() - 1)));
  }

  /** The view of this probe in the status answer (docs/event-bus.md). */
  JsonObject view() {
    JsonObject json = new JsonObject()
        .put("state", state())
        .put("checkId", id)
        .put("checker", checker.describe())
        .put("weight", weight)
        .put("weightPercent", weightPercent)
        .put("successes", machine.successes())
        .put("failures", machine.failures())
        .put("since", since)
        .put("reason", reason);
    json.put("lastCheck", last == null ? null : new JsonObject()
        .put("ok", last.ok())
        .put("message", last.message())
        .put("latencyMs", lastLatencyMs)
        .put("time", lastTime));
    return json;
  }
}
