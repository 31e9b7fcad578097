package io.vsd.dataplane;

import java.time.Duration;

/**
 * Not a test: a director with one TCP virtual service, for loading by hand with iperf3 or wrk while tuning the data
 * plane (docs/performance.md, "Data plane tuning"). It runs until its standard input closes.
 *
 * <p>{@code java -cp <test class path> io.vsd.dataplane.TuningDirector 127.0.0.1:8081 127.0.0.1:5201 splice=true}
 */
public final class TuningDirector {
  private TuningDirector() {}

  public static void main(String[] args) throws Exception {
    if (args.length < 2) {
      System.err.println("usage: TuningDirector SERVICE_ADDRESS REAL_SERVER_ADDRESS [splice=true|false] [backlog=N]");
      System.exit(2);
    }
    boolean splice = DataPlaneOptions.DEFAULT_SPLICE;
    int backlog = DataPlaneOptions.defaults().backlog();
    for (int i = 2; i < args.length; i++) {
      String[] kv = args[i].split("=", 2);
      switch (kv[0]) {
        case "splice" -> splice = Boolean.parseBoolean(kv[1]);
        case "backlog" -> backlog = Integer.parseInt(kv[1]);
        default -> throw new IllegalArgumentException("unknown option " + args[i]);
      }
    }
    DataPlaneOptions options = new DataPlaneOptions(3, Duration.ofSeconds(2), Duration.ZERO, backlog, splice);
    try (TestDirector d = TestDirector.start(options)) {
      d.change(TestDirector.addService(args[0], "rr", TestDirector.server(args[1])));
      System.out.println("listening on " + args[0] + " (splice=" + splice + ", backlog=" + backlog + ", "
          + d.status().getString("transport") + ")");
      System.out.flush();
      while (System.in.read() >= 0) {
        // until stdin closes
      }
    }
  }
}
