package io.vsd.dataplane;

import java.io.IOException;
import java.net.DatagramPacket;
import java.net.DatagramSocket;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.SocketAddress;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;

/**
 * A UDP real server for tests: answers each datagram with its name, a colon and the datagram, and remembers
 * whom it answered (the director's session sockets).
 */
final class UdpEchoServer implements AutoCloseable {
  final String name;
  final DatagramSocket socket;
  final List<SocketAddress> peers = new CopyOnWriteArrayList<>();
  private final Thread thread;

  UdpEchoServer(String host, String name) throws IOException {
    this.name = name;
    this.socket = new DatagramSocket(new InetSocketAddress(InetAddress.getByName(host), 0));
    thread = Thread.ofVirtual().name("udp-" + name).start(this::serve);
  }

  private void serve() {
    byte[] buf = new byte[65535];
    byte[] prefix = (name + ":").getBytes(StandardCharsets.UTF_8);
    while (!socket.isClosed()) {
      DatagramPacket p = new DatagramPacket(buf, buf.length);
      try {
        socket.receive(p);
        peers.add(p.getSocketAddress());
        byte[] reply = new byte[prefix.length + p.getLength()];
        System.arraycopy(prefix, 0, reply, 0, prefix.length);
        System.arraycopy(buf, 0, reply, prefix.length, p.getLength());
        socket.send(new DatagramPacket(reply, reply.length, p.getSocketAddress()));
      } catch (IOException e) {
        return;
      }
    }
  }

  String address() {
    InetSocketAddress a = (InetSocketAddress) socket.getLocalSocketAddress();
    return a.getAddress().getHostAddress().contains(":")
        ? "[" + a.getAddress().getHostAddress() + "]:" + a.getPort() : a.getAddress().getHostAddress() + ":" + a.getPort();
  }

  @Override
  public void close() throws InterruptedException {
    socket.close();
    thread.join(TestDirector.WAIT_MS);
  }

  static int freeUdpPort(String host) throws IOException {
    try (DatagramSocket s = new DatagramSocket(new InetSocketAddress(InetAddress.getByName(host), 0))) {
      return s.getLocalPort();
    }
  }
}
