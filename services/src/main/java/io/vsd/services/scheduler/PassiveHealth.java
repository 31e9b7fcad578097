package io.vsd.services.scheduler;

import java.time.Duration;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.Consumer;

/**
 * Passive detection for one real server of one service (docs/health.md): the data plane reports what its
 * connections to the server see, and {@code failures} consecutive failures within {@code window} take the server
 * out of scheduling at once ({@link Destination#available} reads {@link #down()}), without waiting for a health
 * check. The scheduling verticle clears it when the server's active check says it is up again.
 *
 * <p>Shared by the server's destinations across snapshots, like {@link ConnectionCounts}, and written from every
 * event loop: lock-free, and on the path of a successful connection it costs one volatile read. Counting is
 * approximate under races (two loops failing at once may count one failure too few); that only delays the trip by
 * one connection.
 */
public final class PassiveHealth {
  /** Never trips: for servers without an active check (nothing would bring them back). */
  public static final PassiveHealth OFF = new PassiveHealth(0, Duration.ZERO, p -> { });

  private final int threshold;
  private final long windowNanos;
  private final Consumer<PassiveHealth> onTrip;
  private final AtomicInteger failures = new AtomicInteger();
  private final AtomicBoolean tripped = new AtomicBoolean();
  private volatile long streakStart;
  private volatile boolean down;
  private volatile String lastError;
  /** The service whose count of passive-down servers this one is part of; set once (see ServiceLoad). */
  private volatile ServiceLoad serviceLoad;

  private static final java.lang.invoke.VarHandle DOWN;

  static {
    try {
      DOWN = java.lang.invoke.MethodHandles.lookup().findVarHandle(PassiveHealth.class, "down", boolean.class);
    } catch (ReflectiveOperationException e) {
      throw new ExceptionInInitializerError(e);
    }
  }

  /**
   * @param threshold consecutive failures that trip it; 0: never
   * @param window    the failures must fall within this time
   * @param onTrip    called once per trip, on the thread of the failure that tripped it; must not block
   */
  public PassiveHealth(int threshold, Duration window, Consumer<PassiveHealth> onTrip) {
    this.threshold = threshold;
    this.windowNanos = window.toNanos();
    this.onTrip = onTrip;
  }

  /** Taken out by the data plane: no new connections until {@link #clear()}. */
  public boolean down() {
    return down;
  }

  public int threshold() {
    return threshold;
  }

  public Duration window() {
    return Duration.ofNanos(windowNanos);
  }

  /** The error of the failure that tripped it, or of the last failure. */
  public String lastError() {
    return lastError;
  }

  /** The server answered: the streak of failures ends. */
  public void success() {
    if (threshold > 0 && failures.get() != 0) {
      failures.set(0);
    }
  }

  /** A connect failed, or the server closed or reset a connection before sending or receiving a byte. */
  public void failure(Throwable cause) {
    if (threshold <= 0 || down) {
      return;
    }
    long now = System.nanoTime();
    int n = failures.incrementAndGet();
    if (n == 1) {
      streakStart = now;
    } else if (now - streakStart > windowNanos) {
      // The streak is too old: this failure starts a new one.
      streakStart = now;
      failures.set(1);
      n = 1;
    }
    if (n >= threshold && tripped.compareAndSet(false, true)) {
      lastError = cause == null ? "closed before any byte" : describe(cause);
      setDown(true);
      onTrip.accept(this);
    }
  }

  /** The active check says the server is up: it may take connections again. */
  public void clear() {
    failures.set(0);
    setDown(false);
    tripped.set(false);
  }

  ServiceLoad serviceLoad() {
    return serviceLoad;
  }

  /** Joins the service's count of passive-down servers, bringing in its own state. No-op once joined, or when off. */
  synchronized void attach(ServiceLoad load) {
    if (threshold <= 0 || serviceLoad != null || load == null) {
      return;
    }
    serviceLoad = load;
    if (down) {
      load.addPassiveDown(1);
    }
  }

  /** Flips the flag once per transition, so that ServiceLoad's count of passive-down servers follows it. */
  private void setDown(boolean value) {
    if (down != value && DOWN.compareAndSet(this, !value, value)) {
      ServiceLoad load = serviceLoad;
      if (load != null) {
        load.addPassiveDown(value ? 1 : -1);
      }
    }
  }

  private static final java.util.regex.Pattern NATIVE_ERROR =
      java.util.regex.Pattern.compile("^\\w+\\(\\.\\.\\) failed(?: with error\\(-?\\d+\\))?: (.+)$");

  /** The operating system's words, as NIO gives them: without Netty's native prefix or the address. */
  private static String describe(Throwable cause) {
    String m = cause.getMessage();
    if (m == null) {
      return cause.getClass().getSimpleName();
    }
    java.util.regex.Matcher nativeError = NATIVE_ERROR.matcher(m);
    return (nativeError.matches() ? nativeError.group(1) : m).replaceFirst(": /[^ ]+$", "");
  }
}
