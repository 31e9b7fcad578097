package io.vsd.director.cluster;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;

/** A real server for the cluster tests: greets each connection with its name, then echoes. */
final class Greeter implements AutoCloseable {
  final String name;
  final ServerSocket server;
  private final ExecutorService pool = Executors.newVirtualThreadPerTaskExecutor();
  /** Connections accepted: clients' and health checks'. */
  final java.util.concurrent.atomic.AtomicInteger accepted = new java.util.concurrent.atomic.AtomicInteger();

  Greeter(String name) throws IOException {
    this.name = name;
    this.server = new ServerSocket(0, 500, InetAddress.getLoopbackAddress());
    pool.submit(() -> {
      while (!server.isClosed()) {
        try {
          Socket s = server.accept();
          accepted.incrementAndGet();
          pool.submit(() -> serve(s));
        } catch (IOException e) {
          return;
        }
      }
    });
  }

  String address() {
    return "127.0.0.1:" + server.getLocalPort();
  }

  private void serve(Socket s) {
    try (s; OutputStream out = s.getOutputStream()) {
      out.write((name + "\n").getBytes(StandardCharsets.UTF_8));
      out.flush();
      s.getInputStream().transferTo(out);
    } catch (IOException ignored) {
      // the client went away
    }
  }

  /** Connects to {@code port} on loopback and returns the greeting: which real server took the connection. */
  static String nameVia(int port) throws IOException {
    try (Socket s = new Socket()) {
      s.connect(new InetSocketAddress(InetAddress.getLoopbackAddress(), port), 2000);
      s.setSoTimeout(3000);
      return new BufferedReader(new InputStreamReader(s.getInputStream(), StandardCharsets.UTF_8)).readLine();
    }
  }

  /** Whether a connection to {@code port} is refused (nothing listens). */
  static boolean refused(int port) {
    try (Socket s = new Socket()) {
      s.connect(new InetSocketAddress(InetAddress.getLoopbackAddress(), port), 1000);
      return false;
    } catch (IOException e) {
      return true;
    }
  }

  @Override
  public void close() throws IOException {
    server.close();
    pool.shutdownNow();
  }
}
