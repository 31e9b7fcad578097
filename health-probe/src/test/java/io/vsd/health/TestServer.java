package io.vsd.health;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * A real TCP server on loopback for checker tests, whose behaviour a test changes while it runs: each accepted
 * connection is given to the current {@link Behaviour} on a virtual thread.
 */
final class TestServer implements AutoCloseable {
  interface Behaviour {
    void serve(Socket s) throws IOException;
  }

  private final ExecutorService pool = Executors.newVirtualThreadPerTaskExecutor();
  private final Set<Socket> open = ConcurrentHashMap.newKeySet();
  final AtomicInteger accepted = new AtomicInteger();
  private volatile Behaviour behaviour;
  private volatile ServerSocket server;
  private final int port;

  TestServer(Behaviour behaviour) throws IOException {
    this(behaviour, 0);
  }

  TestServer(Behaviour behaviour, int port) throws IOException {
    this.behaviour = behaviour;
    this.server = listen(port);
    this.port = server.getLocalPort();
  }

  private ServerSocket listen(int p) throws IOException {
    ServerSocket s = new ServerSocket();
    s.setReuseAddress(true);
    s.bind(new InetSocketAddress(InetAddress.getLoopbackAddress(), p), 200);
    ServerSocket bound = s;
    pool.submit(() -> acceptLoop(bound));
    return s;
  }

  int port() {
    return port;
  }

  String address() {
    return "127.0.0.1:" + port;
  }

  void behave(Behaviour b) {
    behaviour = b;
  }

  /**
   * Stops listening: new connections are refused. Open ones are left alone. Returns once the port refuses: a
   * listener closed while a virtual thread waits in accept() is released only when that thread wakes up.
   */
  void closeListener() throws IOException {
    server.close();
    long deadline = System.nanoTime() + 2_000_000_000L;
    while (System.nanoTime() < deadline) {
      try (Socket probe = new Socket()) {
        probe.connect(new InetSocketAddress(InetAddress.getLoopbackAddress(), port), 200);
      } catch (IOException refused) {
        return;
      }
      try {
        Thread.sleep(5);
      } catch (InterruptedException e) {
        throw new IOException(e);
      }
    }
    throw new IOException("port " + port + " still accepts connections");
  }

  /** Listens again on the same port. */
  void reopen() throws IOException {
    server = listen(port);
  }

  private void acceptLoop(ServerSocket s) {
    while (!s.isClosed()) {
      try {
        Socket c = s.accept();
        accepted.incrementAndGet();
        open.add(c);
        pool.submit(() -> {
          try (c) {
            behaviour.serve(c);
          } catch (IOException ignored) {
            // the peer went away
          } finally {
            open.remove(c);
          }
        });
      } catch (IOException e) {
        return;
      }
    }
  }

  @Override
  public void close() throws IOException {
    server.close();
    for (Socket s : open) {
      s.close();
    }
    pool.shutdownNow();
  }

  // ---- behaviours ----

  /** Accepts and never answers, until the peer closes. */
  static void silent(Socket s) throws IOException {
    InputStream in = s.getInputStream();
    while (in.read() >= 0) {
      // read and drop
    }
  }

  /** Writes {@code text} at once, then waits for the peer to close. */
  static Behaviour says(String text) {
    return s -> {
      s.getOutputStream().write(text.getBytes(StandardCharsets.UTF_8));
      s.getOutputStream().flush();
      silent(s);
    };
  }

  /** Reads one line, then writes {@code reply} and closes. */
  static Behaviour replies(String reply) {
    return s -> {
      InputStream in = s.getInputStream();
      int c;
      while ((c = in.read()) >= 0 && c != '\n') {
        // the request line
      }
      s.getOutputStream().write(reply.getBytes(StandardCharsets.UTF_8));
      s.getOutputStream().flush();
    };
  }

  /** An HTTP/1.x server that reads the request head and answers {@code status} with {@code body}, then closes. */
  static Behaviour http(int status, String body) {
    return s -> {
      readHead(s.getInputStream());
      OutputStream out = s.getOutputStream();
      byte[] b = body.getBytes(StandardCharsets.UTF_8);
      out.write(("HTTP/1.0 " + status + " X\r\nContent-Type: text/plain\r\nContent-Length: " + b.length
          + "\r\n\r\n").getBytes(StandardCharsets.ISO_8859_1));
      out.write(b);
      out.flush();
    };
  }

  /** The request head, up to the empty line. */
  static String readHead(InputStream in) throws IOException {
    StringBuilder sb = new StringBuilder();
    int c;
    while ((c = in.read()) >= 0) {
      sb.append((char) c);
      if (sb.length() >= 4 && sb.substring(sb.length() - 4).equals("\r\n\r\n")) {
        break;
      }
    }
    return sb.toString();
  }
}
