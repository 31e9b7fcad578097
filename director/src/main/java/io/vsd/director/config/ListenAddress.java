package io.vsd.director.config;

import io.vsd.services.model.Endpoint;

/**
 * An address to listen on, kept as text and a port so that nothing is resolved or bound while a config
 * file is merely read or checked.
 *
 * @param host an IPv4 or IPv6 literal, without brackets
 * @param port 1..65535
 */
public record ListenAddress(String host, int port) {

  /**
   * Parses {@code host:port}, IPv6 in brackets ({@code [::1]:9900}). Only IP literals are accepted, as
   * everywhere in vsd, so that no DNS lookup happens.
   *
   * @throws IllegalArgumentException with a message fit for an operator
   */
  public static ListenAddress parse(String text) {
    // Endpoint gives the same checks and messages as virtual-service addresses.
    Endpoint e = Endpoint.parse(text, 0);
    String written = e.toString();
    String host = written.substring(0, written.lastIndexOf(':'));
    return new ListenAddress(e.isIpv6() ? host.substring(1, host.length() - 1) : host, e.port());
  }

  /** As parsed: {@code 127.0.0.1:9900} or {@code [::1]:9900}. */
  @Override
  public String toString() {
    return host.contains(":") ? "[" + host + "]:" + port : host + ":" + port;
  }
}
