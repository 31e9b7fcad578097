package io.vsd.services.model;

import java.net.Inet4Address;
import java.net.Inet6Address;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.UnknownHostException;
import java.util.Arrays;
import java.util.regex.Pattern;

/**
 * An IP address and port, written as ipvsadm writes it: {@code 10.0.0.1:80}, or {@code [2001:db8::1]:80}.
 * Only IP literals are accepted: resolving names is the client's job (vsadm does it, as ipvsadm does),
 * so that the table never depends on DNS.
 */
public record Endpoint(InetAddress address, int port) implements Comparable<Endpoint> {

  private static final Pattern IPV4 = Pattern.compile("\\d{1,3}(\\.\\d{1,3}){3}");

  public Endpoint {
    if (port < 0 || port > 65535) {
      throw new IllegalArgumentException("port must be between 1 and 65535, got " + port);
    }
  }

  /**
   * Parses "ip:port" or "[ipv6]:port". With {@code defaultPort} > 0 the port may be left out.
   *
   * @throws IllegalArgumentException with a message fit for an operator
   */
  public static Endpoint parse(String text, int defaultPort) {
    if (text == null || text.isBlank()) {
      throw new IllegalArgumentException("address is missing");
    }
    String s = text.trim();
    String host;
    String portText = null;
    if (s.startsWith("[")) {
      int close = s.indexOf(']');
      if (close < 0) {
        throw new IllegalArgumentException("malformed address \"" + text + "\": missing ']'");
      }
      host = s.substring(1, close);
      String rest = s.substring(close + 1);
      if (!rest.isEmpty()) {
        if (!rest.startsWith(":")) {
          throw new IllegalArgumentException("malformed address \"" + text + "\": expected ':' after ']'");
        }
        portText = rest.substring(1);
      }
      if (!host.contains(":")) {
        throw new IllegalArgumentException("malformed address \"" + text + "\": brackets are for IPv6 addresses");
      }
    } else {
      int colon = s.indexOf(':');
      if (colon >= 0 && s.indexOf(':', colon + 1) >= 0) {
        throw new IllegalArgumentException(
            "malformed address \"" + text + "\": write IPv6 addresses in brackets, as in [2001:db8::1]:80");
      }
      host = colon < 0 ? s : s.substring(0, colon);
      portText = colon < 0 ? null : s.substring(colon + 1);
    }
    InetAddress address = parseIp(host, text);
    int port;
    if (portText == null) {
      if (defaultPort <= 0) {
        throw new IllegalArgumentException("address \"" + text + "\" needs a port, as in 10.0.0.1:80");
      }
      port = defaultPort;
    } else {
      port = parsePort(portText, text);
    }
    return new Endpoint(address, port);
  }

  private static int parsePort(String portText, String text) {
    if (!portText.matches("\\d{1,6}")) {
      throw new IllegalArgumentException("malformed port in \"" + text + "\": must be a number between 1 and 65535");
    }
    int port = Integer.parseInt(portText);
    if (port < 1 || port > 65535) {
      throw new IllegalArgumentException("port must be between 1 and 65535, got " + port);
    }
    return port;
  }

  private static InetAddress parseIp(String host, String text) {
    try {
      if (host.contains(":")) {
        // A string with a colon is always taken as an IPv6 literal: no DNS lookup happens.
        if (!host.matches("[0-9A-Fa-f:.]+")) {
          throw new UnknownHostException(host);
        }
        InetAddress a = InetAddress.getByName(host);
        if (a instanceof Inet4Address) {
          // ::ffff:a.b.c.d: keep the IPv6 family the operator wrote.
          byte[] v6 = new byte[16];
          v6[10] = (byte) 0xff;
          v6[11] = (byte) 0xff;
          System.arraycopy(a.getAddress(), 0, v6, 12, 4);
          return Inet6Address.getByAddress(null, v6, -1);
        }
        return a;
      }
      if (IPV4.matcher(host).matches()) {
        for (String octet : host.split("\\.")) {
          if (Integer.parseInt(octet) > 255) {
            throw new UnknownHostException(host);
          }
        }
        return InetAddress.getByName(host);
      }
    } catch (UnknownHostException e) {
      // fall through to the message below
    }
    throw new IllegalArgumentException("malformed address \"" + text + "\": expected an IPv4 address or a bracketed IPv6 address");
  }

  public boolean isIpv6() {
    return address instanceof Inet6Address;
  }

  public InetSocketAddress toSocketAddress() {
    return new InetSocketAddress(address, port);
  }

  /** The address alone, as ipvsadm prints it (no brackets). */
  public String host() {
    return address.getHostAddress().replaceFirst("%.*$", "");
  }

  @Override
  public String toString() {
    return isIpv6() ? "[" + compressed() + "]:" + port : host() + ":" + port;
  }

  /** RFC 5952 style: lower case, the longest run of zero groups written as "::". */
  private String compressed() {
    byte[] b = address.getAddress();
    int[] groups = new int[8];
    for (int i = 0; i < 8; i++) {
      groups[i] = ((b[2 * i] & 0xff) << 8) | (b[2 * i + 1] & 0xff);
    }
    int bestStart = -1;
    int bestLen = 1;
    for (int i = 0; i < 8; ) {
      if (groups[i] != 0) {
        i++;
        continue;
      }
      int j = i;
      while (j < 8 && groups[j] == 0) {
        j++;
      }
      if (j - i > bestLen) {
        bestStart = i;
        bestLen = j - i;
      }
      i = j;
    }
    StringBuilder sb = new StringBuilder();
    for (int i = 0; i < 8; i++) {
      if (i == bestStart) {
        sb.append("::");
        i += bestLen - 1;
        continue;
      }
      if (sb.length() > 0 && sb.charAt(sb.length() - 1) != ':') {
        sb.append(':');
      }
      sb.append(Integer.toHexString(groups[i]));
    }
    return sb.toString();
  }

  /** ipvsadm's --sort order: IPv4 before IPv6, then the address bytes, then the port. */
  @Override
  public int compareTo(Endpoint o) {
    byte[] a = address.getAddress();
    byte[] b = o.address.getAddress();
    if (a.length != b.length) {
      return Integer.compare(a.length, b.length);
    }
    int c = Arrays.compareUnsigned(a, b);
    return c != 0 ? c : Integer.compare(port, o.port);
  }
}
