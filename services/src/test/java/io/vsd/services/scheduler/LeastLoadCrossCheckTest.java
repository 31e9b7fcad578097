package io.vsd.services.scheduler;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.vsd.services.model.Endpoint;
import io.vsd.services.model.ForwardingMethod;
import io.vsd.services.model.RealServer;
import java.net.InetSocketAddress;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collections;
import java.util.IdentityHashMap;
import java.util.List;
import java.util.Map;
import java.util.SplittableRandom;
import org.junit.jupiter.api.Test;

/**
 * lc, wlc, sed and nq against a plain implementation of the kernel's rule, on a few thousand random services
 * drawn from fixed seeds: the straight scans (LoadScan's blocks, when nothing needs checking) and the checked
 * scans (something tried, weight 0, OVERLOADED, passive-down, servers out of join order), with ties, idle
 * servers, loads proportional to the weights (ties across different weights) and one off them, loads falling
 * along the list, counts up to 2^20 active and 2^24 inactive, and weights up to the API's maximum. The straight
 * scans read the words' int shadows (overheads, active counts): they are checked against the counts changed
 * by the data plane's own calls between picks, and through the move into the slab under concurrent updates.
 */
class LeastLoadCrossCheckTest {
  private static final String[] LC_FAMILY = {"lc", "wlc", "sed", "nq"};
  private static final int[] SIZES = {1, 2, 3, 7, 64, 65, 66, 128, 129, 130, 200, 1000};
  private static final int MAX_ACTIVE = 1 << 20;
  private static final int MAX_INACTIVE = 1 << 24;

  /** One service: its servers in join order, and the counts the test wrote into their words. */
  private static final class Service {
    final List<Destination> servers = new ArrayList<>();
    final List<PassiveHealth> passive = new ArrayList<>();
    final Map<ConnectionCounts, Integer> index = new IdentityHashMap<>();
    int[] active;
    int[] inactive;

    int indexOf(Destination d) {
      return index.get(d.counts());
    }
  }

  private static Service service(SplittableRandom random, int n, int upper) {
    Service s = new Service();
    int weightMode = random.nextInt(6);
    for (int i = 0; i < n; i++) {
      int weight = switch (weightMode) {
        case 0 -> 1;
        case 1 -> 1 + random.nextInt(3);
        case 2 -> 1 + random.nextInt(RealServer.MAX_WEIGHT);
        case 3 -> RealServer.MAX_WEIGHT;
        case 4 -> random.nextBoolean() ? 1 : RealServer.MAX_WEIGHT;
        default -> 1 + random.nextInt(1000);
      };
      RealServer r = new RealServer(Endpoint.parse("10.4." + (i >> 8) + "." + (i & 0xff) + ":80", 0),
          ForwardingMethod.MASQ, weight, upper, 0);
      PassiveHealth p = new PassiveHealth(1, Duration.ofSeconds(60), x -> { });
      s.passive.add(p);
      Destination d = new Destination(r, weight, new ConnectionCounts(), p);
      s.index.put(d.counts(), i);
      s.servers.add(d);
    }
    ServiceLoad.attach(s.servers); // the slab cells, in join order, as the first snapshot does
    s.active = new int[n];
    s.inactive = new int[n];
    return s;
  }

  /** Draws counts and writes them straight into the slab (opening 2^24 connections one by one would take long). */
  private static void drawCounts(Service s, SplittableRandom random) {
    int n = s.servers.size();
    int mode = random.nextInt(7);
    int unit = 1 + random.nextInt(300);
    boolean delayUnits = random.nextBoolean(); // proportional in sed's active + 1 rather than in the overhead
    for (int i = 0; i < n; i++) {
      int weight = s.servers.get(i).server().weight();
      int active;
      int inactive;
      switch (mode) {
        case 0 -> { // idle
          active = 0;
          inactive = 0;
        }
        case 1 -> { // few values: ties everywhere
          active = random.nextInt(4);
          inactive = random.nextInt(4);
        }
        case 2 -> {
          active = random.nextInt(MAX_ACTIVE + 1);
          inactive = random.nextInt(MAX_INACTIVE + 1);
        }
        case 3 -> { // some idle, some small, some large
          int kind = random.nextInt(3);
          active = kind == 0 ? 0 : kind == 1 ? random.nextInt(64) : random.nextInt(MAX_ACTIVE + 1);
          inactive = kind == 0 ? random.nextInt(2) : kind == 1 ? random.nextInt(256) : random.nextInt(MAX_INACTIVE + 1);
        }
        case 4, 5 -> { // load = unit * weight, or one off it: equal ratios across different weights
          long load = Math.min((long) unit * weight, (long) MAX_ACTIVE * 4) + (mode == 5 ? random.nextInt(3) - 1 : 0);
          load = Math.max(0, load);
          if (delayUnits) {
            active = (int) Math.min(MAX_ACTIVE, Math.max(0, load - 1));
            inactive = random.nextInt(256);
          } else {
            active = (int) Math.min(MAX_ACTIVE, load >> 8);
            inactive = (int) (load & 0xff);
          }
        }
        default -> { // falling along the list: every server beats the ones before it
          active = (n - i) * 3 + 1;
          inactive = random.nextInt(256);
        }
      }
      s.active[i] = active;
      s.inactive[i] = inactive;
      write(s.servers.get(i).counts(), active, inactive);
    }
  }

  /** Writes counts into a slab cell: the word and its two int shadows, as the data plane's updates keep them. */
  static void write(ConnectionCounts counts, int active, int inactive) {
    ConnectionCounts.Slot slot = counts.slot();
    slot.cells()[slot.index()] = (long) active << 32 | inactive;
    slot.overheads()[slot.index()] = active * 256 + inactive;
    slot.actives()[slot.index()] = active;
  }

  /** The kernel's rule (ip_vs_lc.c, ip_vs_wlc.c, ip_vs_sed.c, ip_vs_nq.c), written plainly. */
  private static Destination kernel(String scheduler, Service s, List<Destination> order, PickContext context) {
    Destination least = null;
    long leastLoad = 0;
    for (Destination d : order) {
      int i = s.indexOf(d);
      if (d.weight() <= 0 || d.counts().overloaded() || d.passive().down() || context.excludes(d)) {
        continue;
      }
      long load = scheduler.equals("lc") || scheduler.equals("wlc")
          ? (long) s.active[i] * 256 + s.inactive[i]
          : s.active[i] + 1L;
      if (scheduler.equals("nq") && s.active[i] == 0) {
        return d;
      }
      if (least == null || (scheduler.equals("lc")
          ? load < leastLoad
          : leastLoad * d.weight() > load * least.weight())) {
        least = d;
        leastLoad = load;
      }
    }
    return least;
  }

  private static PickContext fresh() {
    return new PickContext(new InetSocketAddress("198.18.0.9", 40000), new InetSocketAddress("10.0.0.1", 80));
  }

  private static void assertKernel(Service s, List<Destination> order, PickContext context, String what) {
    for (String name : LC_FAMILY) {
      Scheduler scheduler = Schedulers.create(name, order, SchedulerConfig.DEFAULT);
      Destination expected = kernel(name, s, order, context);
      Destination actual = scheduler.pick(context);
      if (expected != actual) {
        assertEquals(String.valueOf(expected), String.valueOf(actual), name + ", " + what);
      }
    }
  }

  @Test
  void straightScansAreTheKernels() {
    SplittableRandom random = new SplittableRandom(20261127L);
    int picks = 0;
    for (int c = 0; c < 1200; c++) {
      int n = SIZES[random.nextInt(SIZES.length)];
      Service s = service(random, n, 0);
      LoadTable table = new LoadTable(s.servers);
      assertTrue(table.run >= 0, "the servers lie in the slab in order: the straight scan is used");
      for (int round = 0; round < 3; round++) {
        drawCounts(s, random);
        PickContext context = fresh();
        assertFalse(table.mustCheck(context), "nothing to check: the straight scan is used");
        assertKernel(s, s.servers, context, "case " + c + ", " + n + " servers, round " + round);
        picks += LC_FAMILY.length;
      }
    }
    assertTrue(picks >= 14_000, picks + " picks");
  }

  @Test
  void largeServicesUseLargerFirstPassBlocks() {
    // past 64 blocks of 256 servers, the first pass's blocks grow (its bit mask holds 64)
    SplittableRandom random = new SplittableRandom(16_385L);
    for (int n : new int[] {16_384, 16_385, 20_000}) {
      Service s = service(random, n, 0);
      for (int round = 0; round < 4; round++) {
        drawCounts(s, random);
        assertKernel(s, s.servers, fresh(), n + " servers, round " + round);
      }
    }
  }

  @Test
  void checkedScansAreTheKernels() {
    SplittableRandom random = new SplittableRandom(1127L);
    for (int c = 0; c < 900; c++) {
      int n = SIZES[random.nextInt(SIZES.length)];
      int variant = c % 5;
      if (variant == 4 && n == 1) {
        n = 2; // one server reversed is in order
      }
      Service s = service(random, n, variant == 2 ? 1 : 0);
      List<Destination> order = new ArrayList<>(s.servers);
      PickContext context = fresh();
      switch (variant) {
        case 0 -> { // something was tried for this connection
          for (int t = 1 + random.nextInt(3); t > 0; t--) {
            context.tried(order.get(random.nextInt(n)));
          }
        }
        case 1 -> { // quiescent servers
          int forced = random.nextInt(n); // at least one
          for (int i = 0; i < n; i++) {
            if (i == forced || random.nextInt(4) == 0) {
              order.set(i, order.get(i).withWeight(0));
            }
          }
        }
        case 2 -> { // OVERLOADED: upper threshold 1, one connection opened (the words are overwritten below)
          int forced = random.nextInt(n);
          for (int i = 0; i < n; i++) {
            if (i == forced || random.nextInt(4) == 0) {
              order.get(i).connectionOpened();
            }
          }
        }
        case 3 -> { // passive detection took some out
          int forced = random.nextInt(n);
          for (int i = 0; i < n; i++) {
            if (i == forced || random.nextInt(4) == 0) {
              s.passive.get(i).failure(null);
            }
          }
        }
        default -> Collections.reverse(order); // not in join order
      }
      LoadTable table = new LoadTable(order);
      assertTrue(table.run < 0 || table.mustCheck(context), "variant " + variant + " takes the checked scan");
      for (int round = 0; round < 3; round++) {
        drawCounts(s, random);
        assertKernel(s, order, context, "variant " + variant + ", case " + c + ", " + n + " servers, round " + round);
      }
    }
  }

  /** The word and both int shadows of a slab cell agree with the counts the test expects. */
  static void assertCell(ConnectionCounts counts, int active, int inactive, String what) {
    ConnectionCounts.Slot slot = counts.slot();
    assertEquals((long) active << 32 | inactive, slot.cells()[slot.index()], what + ": word");
    assertEquals(active * 256 + inactive, slot.overheads()[slot.index()], what + ": overhead shadow");
    assertEquals(active, slot.actives()[slot.index()], what + ": active shadow");
  }

  @Test
  void countsChangingBetweenPicksThroughTheDataPlaneCalls() {
    // the counts change by the data plane's own calls (open, half-close, close), between picks, and each
    // pick opens a connection on the chosen server as the data plane does: the loads drift together, so ties
    // and near ties (many blocks kept by the first pass) are common
    SplittableRandom random = new SplittableRandom(271828L);
    int picks = 0;
    for (int c = 0; c < 24; c++) {
      int n = new int[] {65, 257, 300, 1000}[c % 4];
      Service s = service(random, n, 0);
      List<Destination> servers = s.servers;
      for (int round = 0; round < 150; round++) {
        for (int e = random.nextInt(40); e > 0; e--) {
          int i = random.nextInt(n);
          Destination d = servers.get(i);
          switch (random.nextInt(4)) {
            case 0 -> {
              d.connectionOpened();
              s.active[i]++;
            }
            case 1 -> {
              if (s.active[i] > 0) {
                d.connectionHalfClosed();
                s.active[i]--;
                s.inactive[i]++;
              }
            }
            case 2 -> {
              if (s.active[i] > 0) {
                d.connectionClosed(true);
                s.active[i]--;
              }
            }
            default -> {
              if (s.inactive[i] > 0) {
                d.connectionClosed(false);
                s.inactive[i]--;
              }
            }
          }
        }
        String name = LC_FAMILY[round % LC_FAMILY.length];
        Scheduler scheduler = Schedulers.create(name, servers, SchedulerConfig.DEFAULT);
        PickContext context = fresh();
        Destination expected = kernel(name, s, servers, context);
        Destination actual = scheduler.pick(context);
        if (expected != actual) {
          assertEquals(String.valueOf(expected), String.valueOf(actual), name + ", case " + c + ", round " + round);
        }
        actual.connectionOpened();
        s.active[s.indexOf(actual)]++;
        picks++;
      }
      for (int i = 0; i < n; i++) {
        assertCell(servers.get(i).counts(), s.active[i], s.inactive[i], "case " + c + ", server " + i);
      }
    }
    assertTrue(picks >= 3_000, picks + " picks");
  }

  @Test
  void theMoveIntoTheSlabLosesNoUpdateToTheShadows() throws InterruptedException {
    // two threads update counts that are not in a slab yet while the snapshot moves them there: the word and
    // both shadows must hold every update, and the picks that follow must be the kernel's
    SplittableRandom random = new SplittableRandom(4242L);
    for (int round = 0; round < 60; round++) {
      Service s = new Service();
      int n = 70;
      for (int i = 0; i < n; i++) {
        int weight = 1 + random.nextInt(50);
        RealServer r = new RealServer(Endpoint.parse("10.5.0." + i + ":80", 0), ForwardingMethod.MASQ, weight, 0, 0);
        Destination d = new Destination(r, weight, new ConnectionCounts());
        s.index.put(d.counts(), i);
        s.servers.add(d);
      }
      s.active = new int[n];
      s.inactive = new int[n];
      int[][] perThread = new int[2][n]; // each thread's net effect: 1 active and 1 inactive per turn
      java.util.concurrent.CountDownLatch started = new java.util.concurrent.CountDownLatch(2);
      List<Thread> threads = new ArrayList<>();
      for (int t = 0; t < 2; t++) {
        int id = t;
        long seed = random.nextLong();
        threads.add(Thread.ofPlatform().start(() -> {
          SplittableRandom r = new SplittableRandom(seed);
          started.countDown();
          for (int turn = 0; turn < 3_000; turn++) {
            int i = r.nextInt(n);
            Destination d = s.servers.get(i);
            d.connectionOpened();
            d.connectionOpened();
            d.connectionOpened();
            d.connectionHalfClosed();
            d.connectionClosed(true); // leaves 1 active, 1 inactive
            perThread[id][i]++;
          }
        }));
      }
      started.await();
      ServiceLoad.attach(s.servers); // the move into the slab, while the threads run
      for (Thread t : threads) {
        t.join(10_000);
        assertFalse(t.isAlive(), "an updating thread is stuck");
      }
      for (int i = 0; i < n; i++) {
        s.active[i] = perThread[0][i] + perThread[1][i];
        s.inactive[i] = s.active[i];
        assertCell(s.servers.get(i).counts(), s.active[i], s.inactive[i], "round " + round + ", server " + i);
      }
      assertTrue(new LoadTable(s.servers).run >= 0, "the straight scan is used");
      assertKernel(s, s.servers, fresh(), "after the move, round " + round);
    }
  }

  @Test
  void theBlockTestNeverMissesABetterServer() {
    // LoadScan.scale on the edges: the smallest and largest ratios, and one just below and above powers of two
    long[][] bests = {{1, 65535}, {1, 1}, {(1L << 28) + (1 << 24), 1}, {8191, 1}, {8192, 1}, {16383, 1},
        {16384, 1}, {3, 65534}, {65535, 65535}, {(1L << 28), 65535}};
    for (long[] best : bests) {
      int scale = LoadScan.scale(best[0], best[1]);
      int s = scale & 31;
      int k = (scale >>> 5) & 31;
      long t = scale >>> 10;
      assertTrue(t < 1 << 15, "t fits 15 bits for " + best[0] + "/" + best[1]);
      for (int w : new int[] {1, 2, 3, 255, 256, 1000, 65534, 65535}) {
        // the largest load strictly better than best: load * W < L * w
        long load = Math.ceilDiv(best[0] * w, best[1]) - 1;
        if (load < 0 || load > Integer.MAX_VALUE) {
          continue;
        }
        long threshold = (w * t) >>> k;
        assertTrue((load >> s) <= threshold, "load " + load + " weight " + w + " beats " + best[0] + "/" + best[1]);
      }
    }
    // the first pass's bound, a double: t rounded up and within 15 bits, from 1/65535 to 2^31
    for (double r : new double[] {1.0 / 65535, 0x1p-16, 0.3, 1, 8191.5, 8192, 16383.99, 16384, 1e6, 0x1p31}) {
      int scale = LoadScan.scale(r);
      int s = scale & 31;
      int k = (scale >>> 5) & 31;
      long t = scale >>> 10;
      assertTrue(t < 1 << 15 && t >= Math.scalb(r, k - s), "t for " + r);
      assertTrue(s == 0 || k == 0, "s or k is 0 for " + r);
    }
  }
}
