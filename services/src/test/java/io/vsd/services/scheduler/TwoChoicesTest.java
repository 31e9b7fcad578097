package io.vsd.services.scheduler;

import static io.vsd.services.scheduler.SchedulerSequenceTest.ANY;
import static io.vsd.services.scheduler.SchedulerSequenceTest.create;
import static io.vsd.services.scheduler.SchedulerSequenceTest.servers;
import static org.junit.jupiter.api.Assertions.assertEquals;

import java.util.List;
import org.junit.jupiter.api.Test;

/**
 * twos, statistically. The expectations are exact probabilities from the rule; the tolerances are about six
 * standard deviations, so a correct implementation fails about once in a billion runs.
 */
class TwoChoicesTest {
  private static final int PICKS = 120_000;

  private static double[] shares(Scheduler s, List<Destination> ds) {
    double[] count = new double[ds.size()];
    for (int i = 0; i < PICKS; i++) {
      count[ds.indexOf(s.pick(ANY))]++;
    }
    for (int i = 0; i < count.length; i++) {
      count[i] /= PICKS;
    }
    return count;
  }

  @Test
  void withEqualLoadsPicksFollowTheWeights() {
    // total = 1 + 2 + 3 + 1 = 7 draws r in 0..6; r <= 1 lands on A (the "+ 1" favours the first), 2..3 on B,
    // 4..6 on C. Equal (zero) overheads keep the first choice, so the shares are 2/7, 2/7, 3/7.
    List<Destination> ds = servers(1, 2, 3);
    double[] share = shares(create("twos", ds), ds);
    assertEquals(2 / 7.0, share[0], 0.008);
    assertEquals(2 / 7.0, share[1], 0.008);
    assertEquals(3 / 7.0, share[2], 0.009);
  }

  @Test
  void theLessLoadedOfTheTwoChoicesWins() {
    // Four equal servers, A loaded: each draw lands on A with probability 2/5 (r in 0..4, r <= 1), and A is
    // picked only when both draws land on it: 4/25 = 0.16, against 0.4 for a single random choice.
    List<Destination> ds = servers(1, 1, 1, 1);
    ds.getFirst().connectionOpened();
    double[] share = shares(create("twos", ds), ds);
    assertEquals(0.16, share[0], 0.007);
    for (int i = 1; i < 4; i++) {
      assertEquals(0.28, share[i], 0.008, "server " + i);
    }
  }

  @Test
  void unavailableServersAreNeverDrawn() {
    List<Destination> ds = servers(1, 0, 1);
    double[] share = shares(create("twos", ds), ds);
    assertEquals(0.0, share[1]);
    assertEquals(2 / 3.0, share[0], 0.009);
  }

  @Test
  void anOverloadedServerIsLeftOutOfTheDrawAndComesBack() {
    List<Destination> ds = List.of(LeastLoadSequenceTest.server("10.0.0.1:80", 1, 0),
        LeastLoadSequenceTest.server("10.0.0.2:80", 1, 1), LeastLoadSequenceTest.server("10.0.0.3:80", 1, 0));
    Scheduler twos = create("twos", ds);
    ds.get(1).connectionOpened(); // B OVERLOADED: total = 1 + 1 + 1 = 3, r <= 1 is A, r = 2 is C
    assertEquals(1, ds.get(1).counts().serviceLoad().overloaded());
    double[] share = shares(twos, ds);
    assertEquals(2 / 3.0, share[0], 0.009);
    assertEquals(0.0, share[1]);
    ds.get(1).connectionClosed(true); // cleared: total = 4, r <= 1 is A, 2 is B, 3 is C
    assertEquals(0, ds.get(1).counts().serviceLoad().overloaded());
    share = shares(twos, ds);
    assertEquals(0.5, share[0], 0.009);
    assertEquals(0.25, share[1], 0.008);
    assertEquals(0.25, share[2], 0.008);
  }
}
