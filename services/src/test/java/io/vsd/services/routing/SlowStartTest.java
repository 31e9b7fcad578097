package io.vsd.services.routing;

import static org.junit.jupiter.api.Assertions.assertEquals;

import org.junit.jupiter.api.Test;

class SlowStartTest {
  @Test
  void weightRampsLinearlyFromOneToTheConfiguredWeight() {
    assertEquals(1, SlowStart.weight(100, 0, 10));
    assertEquals(10, SlowStart.weight(100, 1_000, 10));
    assertEquals(50, SlowStart.weight(100, 5_000, 10));
    assertEquals(100, SlowStart.weight(100, 10_000, 10));
    assertEquals(1, SlowStart.weight(3, 1, 10), "never below 1 while ramping");
    assertEquals(0, SlowStart.weight(0, 1_000, 10), "quiescent stays quiescent");
    assertEquals(7, SlowStart.weight(7, 0, 0), "no window, no ramp");
  }
}
