package io.vsd.director;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * A real server for tests: a real socket that greets each connection with its name and a newline, then echoes
 * what it reads until the client closes.
 */
final class TestBackend implements AutoCloseable {
  final String name;
  final ServerSocket server;
  final AtomicInteger accepted = new AtomicInteger();
  private final ExecutorService pool = Executors.newVirtualThreadPerTaskExecutor();

  TestBackend(String name) throws IOException {
    this(name, InetAddress.getLoopbackAddress());
  }

  TestBackend(String name, InetAddress address) throws IOException {
    this(name, address, 0);
  }

  /** On a given port (0: any), e.g. to bring a stopped real server back where it was. */
  TestBackend(String name, InetAddress address, int port) throws IOException {
    this.name = name;
    this.server = new ServerSocket(port, 200, address);
    pool.submit(this::acceptLoop);
  }

  int port() {
    return server.getLocalPort();
  }

  String address() {
    return "127.0.0.1:" + port();
  }

  private void acceptLoop() {
    while (!server.isClosed()) {
      try {
        Socket s = server.accept();
        accepted.incrementAndGet();
        pool.submit(() -> serve(s));
      } catch (IOException e) {
        return;
      }
    }
  }

  private void serve(Socket s) {
    try (s; InputStream in = s.getInputStream(); OutputStream out = s.getOutputStream()) {
      out.write((name + "\n").getBytes(StandardCharsets.UTF_8));
      out.flush();
      byte[] buf = new byte[8192];
      int n;
      while ((n = in.read(buf)) > 0) {
        out.write(buf, 0, n);
        out.flush();
      }
    } catch (IOException ignored) {
      // the client went away
    }
  }

  @Override
  public void close() throws IOException {
    server.close();
    pool.shutdownNow();
  }
}
