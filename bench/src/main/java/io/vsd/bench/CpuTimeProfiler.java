package io.vsd.bench;

import java.lang.management.ManagementFactory;
import java.lang.management.ThreadInfo;
import java.lang.management.ThreadMXBean;
import java.util.Collection;
import java.util.List;
import org.openjdk.jmh.infra.BenchmarkParams;
import org.openjdk.jmh.infra.IterationParams;
import org.openjdk.jmh.profile.InternalProfiler;
import org.openjdk.jmh.results.AggregationPolicy;
import org.openjdk.jmh.results.IterationResult;
import org.openjdk.jmh.results.Result;
import org.openjdk.jmh.results.ScalarResult;

/**
 * CPU time of JMH's benchmark threads per operation ({@code -prof io.vsd.bench.CpuTimeProfiler}), beside the
 * wall-clock time. On a machine shared with other work the benchmark thread waits for a core, and wall-clock
 * time counts the wait; CPU time does not, so it shows the cost of a pick when the load average is above the
 * number of cores. It still counts what the other work does to the caches.
 */
public class CpuTimeProfiler implements InternalProfiler {
  private static final ThreadMXBean THREADS = ManagementFactory.getThreadMXBean();
  private long start;

  @Override
  public String getDescription() {
    return "CPU time of the benchmark threads per operation";
  }

  @Override
  public void beforeIteration(BenchmarkParams benchmarkParams, IterationParams iterationParams) {
    start = workersCpuTime();
  }

  @Override
  public Collection<? extends Result> afterIteration(BenchmarkParams benchmarkParams,
      IterationParams iterationParams, IterationResult result) {
    long used = workersCpuTime() - start;
    long ops = result.getMetadata().getAllOps();
    double perOp = ops > 0 ? (double) used / ops : Double.NaN;
    return List.of(new ScalarResult("cpu.time.per.op", perOp, "ns/op", AggregationPolicy.AVG));
  }

  /** The benchmark threads live for the whole trial, so their totals can be compared across an iteration. */
  private static long workersCpuTime() {
    long total = 0;
    for (ThreadInfo t : THREADS.getThreadInfo(THREADS.getAllThreadIds())) {
      if (t != null && t.getThreadName().contains("jmh-worker")) {
        long cpu = THREADS.getThreadCpuTime(t.getThreadId());
        if (cpu > 0) {
          total += cpu;
        }
      }
    }
    return total;
  }
}
