package io.vsd.bench;

import io.vsd.services.model.Endpoint;
import io.vsd.services.model.ForwardingMethod;
import io.vsd.services.model.RealServer;
import io.vsd.services.scheduler.ConnectionCounts;
import io.vsd.services.scheduler.Destination;
import io.vsd.services.scheduler.SchedulerConfig;
import io.vsd.services.scheduler.Schedulers;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Fork;
import org.openjdk.jmh.annotations.Measurement;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.Warmup;

/**
 * What the data plane pays to count one connection: its open, half-close and close on a real server whose
 * counts lie in its service's slab (the calls the data plane makes, with the service's total and the
 * threshold checks), one thread, over 1000 servers in turn as connections spread over a service.
 */
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.NANOSECONDS)
@Warmup(iterations = 3, time = 1)
@Measurement(iterations = 5, time = 1)
@Fork(value = 1, jvmArgsAppend = {"-Xms512m", "-Xmx512m"})
@State(Scope.Thread)
public class CountsUpdateBenchmark {
  private Destination[] servers;
  private int next;

  @Setup
  public void setUp() {
    List<Destination> list = new ArrayList<>();
    for (int i = 0; i < 1000; i++) {
      RealServer r = new RealServer(Endpoint.parse("10.2." + (i >> 8) + "." + (i & 0xff) + ":8080", 0),
          ForwardingMethod.MASQ, 1, 0, 0);
      list.add(new Destination(r, 1, new ConnectionCounts()));
    }
    Schedulers.create("wlc", list, SchedulerConfig.DEFAULT); // the counts move into the service's slab
    servers = list.toArray(Destination[]::new);
  }

  /** One connection's life: opened, half-closed, closed (three count updates). */
  @Benchmark
  public void connection() {
    Destination d = servers[next++ % 1000];
    d.connectionOpened();
    d.connectionHalfClosed();
    d.connectionClosed(false);
  }
}
