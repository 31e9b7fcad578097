package io.vsd.director;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.nio.charset.StandardCharsets;

/** A client connection through the director, with timeouts so that no test can hang. */
final class TestClient implements AutoCloseable {
  final Socket socket;
  final BufferedReader in;

  TestClient(String host, int port) throws IOException {
    this(null, host, port);
  }

  /** A client whose socket is bound to {@code localAddress} first (e.g. 127.0.0.2), to vary the source IP. */
  TestClient(String localAddress, String host, int port) throws IOException {
    socket = new Socket();
    if (localAddress != null) {
      socket.bind(new InetSocketAddress(localAddress, 0));
    }
    socket.connect(new InetSocketAddress(host, port), 3000);
    socket.setSoTimeout(5000);
    in = new BufferedReader(new InputStreamReader(socket.getInputStream(), StandardCharsets.UTF_8));
  }

  /** The real server's greeting: its name. */
  String greeting() throws IOException {
    return in.readLine();
  }

  /** Sends a line and reads the echo. */
  String echo(String line) throws IOException {
    socket.getOutputStream().write((line + "\n").getBytes(StandardCharsets.UTF_8));
    socket.getOutputStream().flush();
    return in.readLine();
  }

  /** Connects, reads the greeting, and closes: which real server took the connection. */
  static String nameOf(int port) throws IOException {
    return nameOf("127.0.0.1", port);
  }

  /** The same, from the source address {@code from}. */
  static String nameOf(String from, int port) throws IOException {
    try (TestClient c = new TestClient(from, "127.0.0.1", port)) {
      return c.greeting();
    }
  }

  @Override
  public void close() throws IOException {
    socket.close();
  }
}
