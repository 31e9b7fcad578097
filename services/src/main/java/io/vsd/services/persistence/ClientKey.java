package io.vsd.services.persistence;

import java.net.InetAddress;

/**
 * A client address masked by the service's persistence netmask (ipvsadm's -M): the "client" of a persistence
 * template. IPv4 addresses use a dotted mask, IPv6 ones a prefix length.
 */
record ClientKey(long high, long low, boolean ipv6) {

  static ClientKey of(InetAddress client, int ipv4Mask, int ipv6Prefix) {
    byte[] b = client.getAddress();
    if (b.length == 4) {
      int a = ((b[0] & 0xff) << 24) | ((b[1] & 0xff) << 16) | ((b[2] & 0xff) << 8) | (b[3] & 0xff);
      return new ClientKey(0, (a & ipv4Mask) & 0xffffffffL, false);
    }
    long high = 0;
    long low = 0;
    for (int i = 0; i < 8; i++) {
      high = (high << 8) | (b[i] & 0xff);
      low = (low << 8) | (b[i + 8] & 0xff);
    }
    long highMask = ipv6Prefix >= 64 ? -1L : ipv6Prefix == 0 ? 0 : -1L << (64 - ipv6Prefix);
    long lowMask = ipv6Prefix <= 64 ? 0 : ipv6Prefix == 128 ? -1L : -1L << (128 - ipv6Prefix);
    return new ClientKey(high & highMask, low & lowMask, true);
  }

  /** The masked address (ipvsadm -L -c shows it as a template's client). */
  java.net.InetAddress address() {
    byte[] b = new byte[ipv6 ? 16 : 4];
    if (ipv6) {
      for (int i = 0; i < 8; i++) {
        b[i] = (byte) (high >>> (56 - 8 * i));
        b[8 + i] = (byte) (low >>> (56 - 8 * i));
      }
    } else {
      for (int i = 0; i < 4; i++) {
        b[i] = (byte) (low >>> (24 - 8 * i));
      }
    }
    try {
      return java.net.InetAddress.getByAddress(b);
    } catch (java.net.UnknownHostException impossible) {
      throw new IllegalStateException(impossible); // only thrown for a length other than 4 or 16
    }
  }

  /** The key as text, the same on every director: the masked address. */
  String text() {
    if (!ipv6) {
      return ((low >>> 24) & 0xff) + "." + ((low >>> 16) & 0xff) + "." + ((low >>> 8) & 0xff) + "." + (low & 0xff);
    }
    return Long.toHexString(high) + "/" + Long.toHexString(low);
  }
}
