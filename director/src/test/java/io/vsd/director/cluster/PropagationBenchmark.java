package io.vsd.director.cluster;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Locale;

/**
 * Issue 5's goal, measured: from the 2xx of the admin API on director A until director B uses the change for
 * its next new connection, 50 ms at p99 on loopback. Run it with {@code bench-cluster/run.sh}
 * (docs/performance.md has the figures and the command).
 *
 * <p>Two directors run as processes of their own, with bin/vsd's JVM options and the product's Hazelcast
 * settings; B serves a virtual service (wrr) with real servers X (weight 1) and Y. Each round sets Y's weight
 * on A, alternately to 1000 (Y takes the next connection) and to 0 (X does), and from the moment the PUT
 * is sent connects through B again and again until the answering real server shows the change. The figure is
 * the time from A's 2xx to the start of the first connection B served with the change, 0 when B served it
 * before A answered; the probes run one after another (paced, so as not to starve the directors of CPU), so
 * a figure is at most one probe interval (printed) above the moment B applied the change. The time from
 * sending the PUT is reported too.
 */
public final class PropagationBenchmark {
  private PropagationBenchmark() {}

  static int PACE_NS = 500_000;

  public static void main(String[] args) throws Exception {
    int rounds = 500;
    int warmup = 100;
    for (int i = 0; i + 1 < args.length; i += 2) {
      switch (args[i]) {
        case "--rounds" -> rounds = Integer.parseInt(args[i + 1]);
        case "--warmup" -> warmup = Integer.parseInt(args[i + 1]);
        case "--pace-us" -> PACE_NS = Integer.parseInt(args[i + 1]) * 1000;
        default -> throw new IllegalArgumentException("usage: PropagationBenchmark [--rounds N] [--warmup N]");
      }
    }
    Path dir = Files.createTempDirectory("vsd-bench-cluster");
    String cluster = "vsd-bench-" + ProcessHandle.current().pid();
    // bin/vsd's options (less its class-data archive).
    List<String> vsdJvm = List.of("-Xms16m", "-Xmx256m", "-XX:+UseSerialGC", "--enable-native-access=ALL-UNNAMED",
        "--sun-misc-unsafe-memory-access=allow", "--add-modules", "java.se",
        "--add-exports", "java.base/jdk.internal.ref=ALL-UNNAMED", "--add-opens", "java.base/java.lang=ALL-UNNAMED",
        "--add-opens", "java.base/sun.nio.ch=ALL-UNNAMED", "--add-opens", "java.management/sun.management=ALL-UNNAMED",
        "--add-opens", "jdk.management/com.sun.management.internal=ALL-UNNAMED");
    try (Greeter x = new Greeter("X"); Greeter y = new Greeter("Y")) {
      int vip = DirectorProcess.freePort();
      int portA = DirectorProcess.freePort();
      int portB = DirectorProcess.freePort();
      try (DirectorProcess b = new DirectorProcess("b", cluster, portB, List.of(portA), dir.resolve("b"));
           DirectorProcess a = new DirectorProcess("a", cluster, portA, List.of(portB), dir.resolve("a"))) {
        b.jvmOptions = vsdJvm;
        a.jvmOptions = vsdJvm;
        Files.writeString(b.dir.resolve("vsd.yaml"), """
            services:
              - address: 127.0.0.1:%d
                scheduler: wrr
                servers:
                  - {address: %s, weight: 1}
                  - {address: %s, weight: 0}
            """.formatted(vip, x.address(), y.address()));
        b.start();
        a.start();
        String path = "/api/v1/services/tcp/127.0.0.1:" + vip + "/servers/" + y.address();
        List<Double> propagation = new ArrayList<>();
        List<Double> fromRequest = new ArrayList<>();
        List<Double> answer = new ArrayList<>();
        long probes = 0;
        double probing = 0;
        int inForce = 0;
        for (int round = 0; round < warmup + rounds; round++) {
          boolean on = round % 2 == 0;
          String expect = on ? "Y" : "X";
          // Probes through B run back to back from the moment the PUT is sent until B serves the change.
          long[] firstServed = {-1};
          int[] tries = {0};
          long sent = System.nanoTime();
          Thread probe = Thread.ofPlatform().start(() -> {
            long deadline = sent + 5_000_000_000L;
            while (System.nanoTime() < deadline) {
              long start = System.nanoTime();
              tries[0]++;
              try {
                if (expect.equals(Greeter.nameVia(vip))) {
                  firstServed[0] = start;
                  return;
                }
                // Paced, so that probing does not take the CPU the directors need (2 cores run all three JVMs).
                Thread.sleep(java.time.Duration.ofNanos(PACE_NS));
              } catch (IOException e) {
                throw new java.io.UncheckedIOException(e);
              } catch (InterruptedException e) {
                return;
              }
            }
          });
          Http.Response r = a.admin.send("PUT", path, "{\"address\":\"" + y.address() + "\",\"weight\":"
              + (on ? 1000 : 0) + "}", null);
          long answered = System.nanoTime();
          probe.join();
          if (r.status() != 200) {
            throw new IllegalStateException("PUT on A answered " + r.status() + ": " + r.body());
          }
          if (firstServed[0] < 0) {
            throw new IllegalStateException("B did not use A's change within 5 s");
          }
          if (round >= warmup) {
            probes += tries[0];
            probing += (firstServed[0] - sent) / 1e6;
            inForce += firstServed[0] <= answered ? 1 : 0;
            propagation.add(Math.max(0, firstServed[0] - answered) / 1e6);
            fromRequest.add((firstServed[0] - sent) / 1e6);
            answer.add((answered - sent) / 1e6);
          }
        }
        System.out.printf(Locale.ROOT, "vsd cluster propagation, %d rounds after %d warm-up, 2 directors on loopback,"
                + " %d cores, JDK %s%n", rounds, warmup, Runtime.getRuntime().availableProcessors(),
            System.getProperty("java.version"));
        System.out.println(summary("A's 2xx -> B's next connection uses it", propagation));
        System.out.println(summary("A's PUT sent -> B's connection uses it", fromRequest));
        System.out.println(summary("A's PUT sent -> A's 2xx (for reference)", answer));
        System.out.printf(Locale.ROOT, "%d of %d changes were already in force on B when A answered (counted as 0);"
            + " %d probe connections through B%n", inForce, propagation.size(), probes);
        System.out.printf(Locale.ROOT, "A probe started every %.2f ms on average (paced %d us apart): a figure is at"
            + " most about that above the moment B applied the change.%n", probing / probes, PACE_NS / 1000);
      }
    } finally {
      deleteQuietly(dir);
    }
  }

  static String summary(String what, List<Double> values) {
    List<Double> sorted = new ArrayList<>(values);
    Collections.sort(sorted);
    return String.format(Locale.ROOT, "%-42s p50 %6.2f ms  p90 %6.2f ms  p99 %6.2f ms  max %6.2f ms", what,
        percentile(sorted, 50), percentile(sorted, 90), percentile(sorted, 99), sorted.getLast());
  }

  static double percentile(List<Double> sorted, double p) {
    int i = (int) Math.ceil(p / 100 * sorted.size()) - 1;
    return sorted.get(Math.max(0, Math.min(sorted.size() - 1, i)));
  }

  private static void deleteQuietly(Path dir) throws IOException {
    try (var walk = Files.walk(dir)) {
      walk.sorted(Collections.reverseOrder()).forEach(p -> p.toFile().delete());
    }
  }
}
