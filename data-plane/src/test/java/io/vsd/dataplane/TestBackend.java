package io.vsd.dataplane;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.net.SocketTimeoutException;
import java.nio.charset.StandardCharsets;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicInteger;

/** A real server for tests: a plain blocking ServerSocket, one virtual thread per connection. */
final class TestBackend implements AutoCloseable {
  interface Handler {
    void handle(Socket socket) throws Exception;
  }

  final String name;
  final ServerSocket server;
  final AtomicInteger accepted = new AtomicInteger();
  private final Set<Socket> sockets = ConcurrentHashMap.newKeySet();
  private final Thread acceptor;

  private TestBackend(String host, String name, Handler handler) throws IOException {
    this.name = name;
    this.server = new ServerSocket();
    server.bind(new InetSocketAddress(InetAddress.getByName(host), 0), 1024); // 1,000 connections at once (SpliceTest)
    acceptor = Thread.ofVirtual().name("backend-" + name).start(() -> {
      while (!server.isClosed()) {
        Socket s;
        try {
          s = server.accept();
        } catch (IOException e) {
          return;
        }
        accepted.incrementAndGet();
        sockets.add(s);
        Thread.ofVirtual().start(() -> {
          try (s) {
            s.setSoTimeout((int) TestDirector.WAIT_MS);
            handler.handle(s);
          } catch (Exception e) {
            // the test sees it on its side
          } finally {
            sockets.remove(s);
          }
        });
      }
    });
  }

  static TestBackend start(String host, String name, Handler handler) throws IOException {
    return new TestBackend(host, name, handler);
  }

  /** Writes its name and a newline, then echoes until EOF. */
  static TestBackend named(String host, String name) throws IOException {
    return start(host, name, s -> {
      s.getOutputStream().write((name + "\n").getBytes(StandardCharsets.UTF_8));
      s.getInputStream().transferTo(s.getOutputStream());
    });
  }

  /** Echoes until EOF, then sends FIN. */
  static TestBackend echo(String host) throws IOException {
    return start(host, "echo", s -> {
      s.getInputStream().transferTo(s.getOutputStream());
      s.shutdownOutput();
      s.getInputStream().read(); // wait for the close
    });
  }

  /** The address as the table writes it: 127.0.0.1:P or [::1]:P. */
  String address() {
    return address(server.getInetAddress(), server.getLocalPort());
  }

  static String address(InetAddress ip, int port) {
    String host = ip.getHostAddress();
    return (host.contains(":") ? "[" + (ip.isLoopbackAddress() ? "::1" : host) + "]" : host) + ":" + port;
  }

  @Override
  public void close() throws IOException {
    server.close();
    for (Socket s : sockets) {
      s.close();
    }
    acceptor.interrupt();
  }

  // ---- client side helpers ----

  /** A port that was free a moment ago. */
  static int freePort(String host) throws IOException {
    try (ServerSocket s = new ServerSocket()) {
      s.bind(new InetSocketAddress(InetAddress.getByName(host), 0));
      return s.getLocalPort();
    }
  }

  static Socket connect(String host, int port) throws IOException {
    Socket s = new Socket();
    s.connect(new InetSocketAddress(InetAddress.getByName(host), port), (int) TestDirector.WAIT_MS);
    s.setSoTimeout((int) TestDirector.WAIT_MS);
    return s;
  }

  /** Reads one line (without the newline); null at EOF before any byte. */
  static String readLine(InputStream in) throws IOException {
    StringBuilder sb = new StringBuilder();
    int c;
    while ((c = in.read()) >= 0 && c != '\n') {
      sb.append((char) c);
    }
    return c < 0 && sb.isEmpty() ? null : sb.toString();
  }

  static void writeLine(OutputStream out, String line) throws IOException {
    out.write((line + "\n").getBytes(StandardCharsets.UTF_8));
    out.flush();
  }

  /**
   * True when the peer closes within 3 s: EOF, or a reset. False when a byte arrives or nothing happens
   * (shorter than the real servers' own 10 s read timeout, so their giving up cannot pass for ours).
   */
  static boolean closedByPeer(Socket s) throws IOException {
    int timeout = s.getSoTimeout();
    s.setSoTimeout(3000);
    try {
      return s.getInputStream().read() < 0;
    } catch (SocketTimeoutException e) {
      return false;
    } catch (IOException e) {
      return true; // connection reset
    } finally {
      if (!s.isClosed()) {
        s.setSoTimeout(timeout);
      }
    }
  }
}
