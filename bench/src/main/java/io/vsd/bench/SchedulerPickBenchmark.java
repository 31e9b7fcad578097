package io.vsd.bench;

import io.vsd.services.model.Endpoint;
import io.vsd.services.model.ForwardingMethod;
import io.vsd.services.model.RealServer;
import io.vsd.services.scheduler.ConnectionCounts;
import io.vsd.services.scheduler.Destination;
import io.vsd.services.scheduler.PickContext;
import io.vsd.services.scheduler.Scheduler;
import io.vsd.services.scheduler.SchedulerConfig;
import io.vsd.services.scheduler.Schedulers;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.UnknownHostException;
import java.util.ArrayList;
import java.util.List;
import java.util.SplittableRandom;
import java.util.concurrent.TimeUnit;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Fork;
import org.openjdk.jmh.annotations.Level;
import org.openjdk.jmh.annotations.Measurement;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Param;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.Warmup;

/**
 * The cost of one pick, for every scheduler, at 10, 100 and 1000 real servers.
 *
 * <p>The servers have weights spread over 1..1000 (server i: 1 + 379·i mod 1000), and live counts as a busy
 * service has them: 1..63 active and 0..255 inactive connections, drawn from a fixed seed. Picks cycle over
 * 1024 clients with distinct addresses, so the hashing schedulers do not hit one slot. A PickContext is made
 * per connection by the data plane; here the 1024 are made once, outside the measurement, which also means
 * each one's folded address is computed once and cached, as it is for a connection's retries.
 */
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.NANOSECONDS)
@Warmup(iterations = 2, time = 1)
@Measurement(iterations = 3, time = 1)
@Fork(value = 1, jvmArgsAppend = {"-Xms512m", "-Xmx512m"})
@State(Scope.Thread)
public class SchedulerPickBenchmark {

  @Param({"rr", "wrr", "lc", "wlc", "lblc", "lblcr", "dh", "sh", "sed", "nq", "fo", "ovf", "mh", "twos", "chb"})
  public String scheduler;

  @Param({"10", "100", "1000"})
  public int servers;

  private Scheduler pick;
  private PickContext[] clients;
  private int next;

  @Setup(Level.Trial)
  public void setUp() throws UnknownHostException {
    SplittableRandom random = new SplittableRandom(20250101L);
    List<Destination> destinations = new ArrayList<>();
    for (int i = 0; i < servers; i++) {
      int weight = 1 + (int) ((379L * i) % 1000);
      RealServer r = new RealServer(Endpoint.parse("10.2." + (i >> 8) + "." + (i & 0xff) + ":8080", 0),
          ForwardingMethod.MASQ, weight, 0, 0);
      Destination d = new Destination(r, weight, new ConnectionCounts());
      int active = 1 + random.nextInt(63);
      int inactive = random.nextInt(256);
      for (int c = 0; c < active + inactive; c++) {
        d.connectionOpened();
      }
      for (int c = 0; c < inactive; c++) {
        d.connectionHalfClosed();
      }
      destinations.add(d);
    }
    pick = Schedulers.create(scheduler, destinations, SchedulerConfig.DEFAULT);
    InetSocketAddress vip = new InetSocketAddress(InetAddress.getByName("10.0.0.100"), 80);
    clients = new PickContext[1024];
    for (int i = 0; i < clients.length; i++) {
      int a = 0xC6120000 + i * 7919; // 198.18.0.0/15, benchmark addresses
      byte[] b = {(byte) (a >>> 24), (byte) (a >>> 16), (byte) (a >>> 8), (byte) a};
      clients[i] = new PickContext(new InetSocketAddress(InetAddress.getByAddress(b), 20000 + i), vip);
    }
    for (PickContext c : clients) {
      if (pick.pick(c) == null) {
        throw new IllegalStateException(scheduler + " picked nothing: the benchmark would measure the wrong path");
      }
    }
  }

  @Benchmark
  public Destination pick() {
    return pick.pick(clients[next++ & 1023]);
  }
}
