package io.vsd.director.cluster;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.UUID;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/**
 * Persistence templates are shared across the directors of a cluster (docs/cluster.md, what LVS's sync daemon
 * does): a sticky client that reaches another director after a failover lands on the same real server.
 */
@Timeout(value = 120, unit = TimeUnit.SECONDS)
class SharedTemplatesProcessTest {
  @TempDir
  Path tmp;
  final String cluster = "vsd-test-" + UUID.randomUUID().toString().substring(0, 8);
  final List<AutoCloseable> closing = new ArrayList<>();

  @AfterEach
  void cleanUp() throws Exception {
    for (AutoCloseable c : closing.reversed()) {
      c.close();
    }
  }

  /** The greeting of the real server that takes a connection made from {@code source} (any 127.x address). */
  static String nameFrom(String source, int port) throws IOException {
    try (Socket s = new Socket()) {
      s.bind(new InetSocketAddress(InetAddress.getByName(source), 0));
      s.connect(new InetSocketAddress(InetAddress.getLoopbackAddress(), port), 2000);
      s.setSoTimeout(3000);
      return new BufferedReader(new InputStreamReader(s.getInputStream(), StandardCharsets.UTF_8)).readLine();
    }
  }

  @Test
  void aStickyClientLandsOnTheSameRealServerAfterFailover() throws Exception {
    Greeter x = new Greeter("X");
    Greeter y = new Greeter("Y");
    closing.add(x);
    closing.add(y);
    int vip = DirectorProcess.freePort();
    int portA = DirectorProcess.freePort();
    int portB = DirectorProcess.freePort();
    DirectorProcess a = new DirectorProcess("a", cluster, portA, List.of(portB), tmp.resolve("a"));
    DirectorProcess b = new DirectorProcess("b", cluster, portB, List.of(portA), tmp.resolve("b"));
    closing.add(a);
    closing.add(b);
    Files.writeString(a.dir.resolve("vsd.yaml"), """
        services:
          - address: 127.0.0.1:%d
            scheduler: rr
            persistence: {timeout: 300}
            servers:
              - {address: %s, weight: 1}
              - {address: %s, weight: 1}
        """.formatted(vip, x.address(), y.address()));
    a.start(); // A binds the virtual address; B, on the same host, cannot
    b.start();

    // Through A: two clients, pinned to one real server each (rr).
    String first = nameFrom("127.0.0.2", vip);
    String second = nameFrom("127.0.0.3", vip);
    assertNotEquals(first, second);
    assertEquals(second, nameFrom("127.0.0.3", vip), "sticky on A");
    Thread.sleep(300); // templates are shared in the background, within milliseconds
    a.kill();

    // On B: the second client's server goes quiescent (weight 0: it keeps its sticky clients but takes no new
    // one). That routing change is also what makes B bind the virtual address A held.
    Greeter quiescent = second.equals("X") ? x : y;
    String path = "/api/v1/services/tcp/127.0.0.1:" + vip + "/servers/" + quiescent.address();
    Http.Response put = b.admin.send("PUT", path, ClusterProcessTest.weight(quiescent.address(), 0), null);
    assertEquals(200, put.status(), put.body());
    ClusterProcessTest.eventually(() -> !Greeter.refused(vip), "b serves the virtual address");

    // Through B: only A's template can send the second client to a server of weight 0.
    assertEquals(second, nameFrom("127.0.0.3", vip), "the sticky client keeps its real server on B");
    assertEquals(first, nameFrom("127.0.0.2", vip));
    assertEquals(first, nameFrom("127.0.0.4", vip), "a new client goes to the server with weight");
    assertEquals(second, nameFrom("127.0.0.3", vip));
  }
}
