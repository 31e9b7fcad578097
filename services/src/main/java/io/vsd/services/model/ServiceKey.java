package io.vsd.services.model;

/**
 * What identifies a virtual service: protocol plus address:port. Written "tcp/10.0.0.1:80", which is also
 * its path under /api/v1/services/.
 */
public record ServiceKey(Protocol protocol, Endpoint endpoint) implements Comparable<ServiceKey> {

  public static ServiceKey parse(String text) {
    int slash = text == null ? -1 : text.indexOf('/');
    if (slash < 0) {
      throw new IllegalArgumentException("malformed service key " + Protocol.quote(text) + ": expected tcp/ip:port");
    }
    return new ServiceKey(Protocol.parse(text.substring(0, slash)), Endpoint.parse(text.substring(slash + 1), 0));
  }

  @Override
  public String toString() {
    return protocol.id() + "/" + endpoint;
  }

  @Override
  public int compareTo(ServiceKey o) {
    int c = protocol.compareTo(o.protocol);
    return c != 0 ? c : endpoint.compareTo(o.endpoint);
  }
}
