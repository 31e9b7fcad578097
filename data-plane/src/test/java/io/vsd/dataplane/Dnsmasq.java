package io.vsd.dataplane;

import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;

/**
 * A real DNS server for tests: Debian's dnsmasq (dnsmasq-base, installed by bin/test) in the foreground on a free
 * loopback port, answering {@code example.test} with one address and nothing else; and {@code dig} (Debian's
 * bind9-dnsutils, also installed by bin/test) as the client.
 */
final class Dnsmasq implements AutoCloseable {
  static final Path DNSMASQ = Path.of("/usr/sbin/dnsmasq");
  static final String NAME = "example.test";

  final int port;
  final String answer;
  private final Process process;

  private Dnsmasq(String answer, int port, Path log) throws Exception {
    assertTrue(Files.isExecutable(DNSMASQ), DNSMASQ + " is missing: bin/test installs dnsmasq-base");
    this.answer = answer;
    this.port = port;
    process = new ProcessBuilder(DNSMASQ.toString(), "--no-daemon", "--conf-file=/dev/null", "--port=" + port,
        "--listen-address=127.0.0.1", "--bind-interfaces", "--no-resolv", "--no-hosts",
        "--address=/" + NAME + "/" + answer, "--pid-file=", "--log-facility=-")
        .redirectErrorStream(true).redirectOutput(log.toFile()).start();
  }

  /**
   * Starts dnsmasq and waits (at most 10 s) until it answers. It listens on UDP and TCP: a port free for UDP may be
   * taken for TCP by another test, so a start that finds it taken is tried again on another port (5 tries).
   */
  static Dnsmasq start(String answer, Path dir) throws Exception {
    Path log = dir.resolve("dnsmasq-" + answer + ".log");
    String output = "";
    for (int attempt = 0; attempt < 5; attempt++) {
      Dnsmasq d = new Dnsmasq(answer, UdpEchoServer.freeUdpPort("127.0.0.1"), log);
      long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(10);
      while (System.nanoTime() < deadline && d.process.isAlive()) {
        if (d.answer.equals(dig(d.port, -1, 1))) {
          return d;
        }
        Thread.sleep(50);
      }
      d.close();
      output = Files.readString(log);
      if (!output.contains("Address already in use")) {
        break;
      }
    }
    return fail("dnsmasq did not answer within 10 s: " + output);
  }

  /**
   * Asks for {@code example.test} A at 127.0.0.1:{@code port}, from source port {@code sourcePort} (-1: any), one
   * try of at most {@code timeoutSeconds}; returns dig's +short answer, "" when there was none.
   */
  static String dig(int port, int sourcePort, int timeoutSeconds) throws IOException, InterruptedException {
    List<String> cmd = new ArrayList<>(List.of("dig", "@127.0.0.1", "-p", String.valueOf(port), "+short", "+tries=1",
        "+timeout=" + timeoutSeconds, NAME, "A"));
    if (sourcePort > 0) {
      cmd.add("-b");
      cmd.add("127.0.0.1#" + sourcePort);
    }
    Process p = new ProcessBuilder(cmd).redirectErrorStream(true).start();
    if (!p.waitFor(timeoutSeconds + 5L, TimeUnit.SECONDS)) {
      p.destroyForcibly();
      return fail("dig did not finish: " + cmd);
    }
    String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8).strip();
    // +short prints the address alone; a timeout prints ";; communications error ..." lines (exit 9).
    return out.startsWith(";;") || p.exitValue() != 0 ? "" : out;
  }

  String address() {
    return "127.0.0.1:" + port;
  }

  @Override
  public void close() throws InterruptedException {
    process.destroy();
    if (!process.waitFor(5, TimeUnit.SECONDS)) {
      process.destroyForcibly().waitFor(5, TimeUnit.SECONDS);
    }
  }
}
