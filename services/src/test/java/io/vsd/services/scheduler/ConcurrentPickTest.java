package io.vsd.services.scheduler;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;

import java.util.List;
import java.util.Queue;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ThreadLocalRandom;
import org.junit.jupiter.api.Test;

/**
 * Every scheduler picked from four threads at once while connections open, half-close and close, as on the
 * event loops: no exception, always a pick while servers are available, and counts back to zero at the end.
 */
class ConcurrentPickTest {

  @Test
  void everySchedulerSurvivesConcurrentPicksAndCountChanges() throws Exception {
    for (String name : Schedulers.names()) {
      List<Destination> ds = MaglevHashingTest.equal(8);
      Scheduler s = Schedulers.create(name, ds, SchedulerConfig.DEFAULT);
      Queue<Throwable> errors = new ConcurrentLinkedQueue<>();
      int threads = 4;
      CountDownLatch done = new CountDownLatch(threads);
      for (int t = 0; t < threads; t++) {
        Thread.ofPlatform().start(() -> {
          try {
            ThreadLocalRandom random = ThreadLocalRandom.current();
            for (int i = 0; i < 20_000; i++) {
              Destination d = s.pick(MaglevHashingTest.key(random.nextInt(1000)));
              assertNotNull(d);
              d.connectionOpened();
              if (random.nextBoolean()) {
                d.connectionHalfClosed();
                d.connectionClosed(false);
              } else {
                d.connectionClosed(true);
              }
            }
          } catch (Throwable e) {
            errors.add(e);
          } finally {
            done.countDown();
          }
        });
      }
      done.await();
      assertEquals(List.of(), List.copyOf(errors), name);
      for (Destination d : ds) {
        assertEquals(0, d.counts().active(), name);
        assertEquals(0, d.counts().inactive(), name);
      }
      assertEquals(0, ds.getFirst().counts().serviceLoad().active(), name + ": the service total is exact too");
    }
  }
}
