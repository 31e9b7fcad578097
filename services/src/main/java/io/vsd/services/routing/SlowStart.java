package io.vsd.services.routing;

/** HAProxy's slowstart: the effective weight grows linearly from 1 to the configured weight over the window. */
final class SlowStart {
  private SlowStart() {}

  static int weight(int configured, long elapsedMillis, int windowSeconds) {
    long window = windowSeconds * 1000L;
    if (configured == 0 || windowSeconds <= 0 || elapsedMillis >= window) {
      return configured;
    }
    long ramped = (configured * Math.max(0, elapsedMillis) + window - 1) / window;
    return (int) Math.max(1, ramped);
  }
}
