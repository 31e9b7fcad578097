package io.vsd.director.cluster;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;

/**
 * A director of a test cluster, as a process of its own: {@code java -cp <test class path>
 * io.vsd.director.Main --cluster ...} on loopback, with the join and failure detection tuned for tests.
 */
final class DirectorProcess implements AutoCloseable {
  /** Faster failure detection than the product's defaults: a killed member is dropped within ~3 s. */
  static final List<String> TEST_PROPERTIES = List.of(
      "-Dhazelcast.max.no.heartbeat.seconds=3",
      "-Dhazelcast.heartbeat.interval.seconds=1");

  final String id;
  final String clusterName;
  final int clusterPort;
  final int adminPort;
  final Path dir;
  List<Integer> memberPorts;
  final List<String> output = new CopyOnWriteArrayList<>();
  final Http admin;
  Process process;

  DirectorProcess(String id, String clusterName, int clusterPort, List<Integer> memberPorts, Path dir)
      throws IOException {
    this.id = id;
    this.clusterName = clusterName;
    this.clusterPort = clusterPort;
    this.memberPorts = memberPorts;
    this.adminPort = freePort();
    this.dir = dir;
    this.admin = new Http(adminPort);
    Files.createDirectories(dir);
  }

  static int freePort() throws IOException {
    try (ServerSocket s = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
      return s.getLocalPort();
    }
  }

  /** JVM options for test directors: quick to start (C1 only). The benchmark uses bin/vsd's instead. */
  static final List<String> TEST_JVM = List.of("-XX:TieredStopAtLevel=1", "-XX:+UseSerialGC", "-Xmx256m");
  List<String> jvmOptions = TEST_JVM;

  static List<String> java(String mainClass, List<String> args) {
    return java(TEST_JVM, mainClass, args);
  }

  static List<String> java(List<String> jvmOptions, String mainClass, List<String> args) {
    List<String> cmd = new ArrayList<>(List.of(Path.of(System.getProperty("java.home"), "bin", "java").toString()));
    cmd.addAll(jvmOptions);
    cmd.addAll(TEST_PROPERTIES);
    cmd.addAll(List.of("-cp", System.getProperty("java.class.path"), mainClass));
    cmd.addAll(args);
    return cmd;
  }

  /** Starts the director and waits for its "admin API on" line: it has the table and listens by then. */
  DirectorProcess start() throws Exception {
    return start(clusterName, memberPorts);
  }

  /** Starts it in cluster {@code name}, with {@code members} as its member list. */
  DirectorProcess start(String name, List<Integer> members) throws Exception {
    output.clear();
    List<String> args = new ArrayList<>(List.of("--cluster", "--cluster-name", name,
        "--cluster-port", String.valueOf(clusterPort), "--cluster-interface", "127.0.0.1",
        "--node-id", id, "--admin", "127.0.0.1:" + adminPort, "--state-dir", dir.resolve("state").toString(),
        "--drain-timeout", "1s"));
    if (!members.isEmpty()) {
      args.add("--cluster-members");
      args.add(String.join(",", members.stream().map(p -> "127.0.0.1:" + p).toList()));
    }
    Path config = dir.resolve("vsd.yaml");
    if (Files.exists(config)) {
      args.add("--config");
      args.add(config.toString());
    }
    long began = System.nanoTime();
    ProcessBuilder pb = new ProcessBuilder(java(jvmOptions, "io.vsd.director.Main", args)).redirectErrorStream(true);
    pb.environment().putAll(io.vsd.director.TestTokens.directorEnv());
    process = pb.start();
    BufferedReader out = new BufferedReader(new InputStreamReader(process.getInputStream(), StandardCharsets.UTF_8));
    long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(60);
    while (System.nanoTime() < deadline) {
      String line = out.readLine();
      if (line == null) {
        break;
      }
      output.add(line);
      if (line.contains("admin API on")) {
        System.out.printf("director %s up in %d ms: %s%n", id, (System.nanoTime() - began) / 1_000_000, startedFrom());
        Thread.ofVirtual().start(() -> drain(out, output));
        return this;
      }
    }
    process.destroyForcibly();
    throw new AssertionError("director " + id + " did not start:\n" + String.join("\n", output));
  }

  /** Reads the rest of a process's output into {@code lines}, until it ends or the process is killed. */
  static void drain(BufferedReader out, List<String> lines) {
    try {
      for (String line; (line = out.readLine()) != null; ) {
        lines.add(line);
      }
    } catch (IOException killed) {
      // the stream closed under us
    }
  }

  /** The line that says which table the director started from. */
  String startedFrom() {
    return output.stream().filter(l -> l.contains("started from")).findFirst().orElse("");
  }

  /** SIGTERM, and wait for a clean exit. */
  void stop() throws InterruptedException {
    if (process != null && process.isAlive()) {
      process.destroy();
      if (!process.waitFor(30, TimeUnit.SECONDS)) {
        process.destroyForcibly();
        throw new AssertionError("director " + id + " did not stop on SIGTERM:\n" + String.join("\n", output));
      }
    }
  }

  /** kill -9. */
  void kill() throws InterruptedException {
    process.destroyForcibly();
    process.waitFor(10, TimeUnit.SECONDS);
  }

  @Override
  public void close() {
    if (process != null) {
      process.destroyForcibly();
    }
  }
}
