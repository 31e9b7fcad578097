package io.vsd.health;

import io.vertx.core.buffer.Buffer;
import java.nio.charset.StandardCharsets;

/**
 * The two DNS packets a dns check needs (RFC 1035 4.1): a query for one name and type, class IN, recursion
 * desired; and the header of a reply: id, QR, RCODE and the answer count.
 */
final class DnsMessage {
  private DnsMessage() {}

  static final String[] RCODES = {"NOERROR", "FORMERR", "SERVFAIL", "NXDOMAIN", "NOTIMP", "REFUSED", "YXDOMAIN",
      "YXRRSET", "NXRRSET", "NOTAUTH", "NOTZONE"};

  /** A reply's header. */
  record Reply(int id, boolean response, int rcode, int answers) {
    String rcodeName() {
      return rcode < RCODES.length ? RCODES[rcode] : "RCODE" + rcode;
    }
  }

  static Buffer query(int id, String name, int qtype) {
    Buffer b = Buffer.buffer(32 + name.length());
    b.appendUnsignedShort(id);
    b.appendUnsignedShort(0x0100); // standard query, RD
    b.appendUnsignedShort(1); // QDCOUNT
    b.appendUnsignedShort(0);
    b.appendUnsignedShort(0);
    b.appendUnsignedShort(0);
    String n = name.endsWith(".") ? name.substring(0, name.length() - 1) : name;
    if (!n.isEmpty()) {
      for (String label : n.split("\\.")) {
        byte[] bytes = label.getBytes(StandardCharsets.US_ASCII);
        b.appendUnsignedByte((short) bytes.length);
        b.appendBytes(bytes);
      }
    }
    b.appendUnsignedByte((short) 0);
    b.appendUnsignedShort(qtype);
    b.appendUnsignedShort(1); // IN
    return b;
  }

  /** The header of a reply, or null when the datagram is too short to be one. */
  static Reply parse(Buffer b) {
    if (b.length() < 12) {
      return null;
    }
    int flags = b.getUnsignedShort(2);
    return new Reply(b.getUnsignedShort(0), (flags & 0x8000) != 0, flags & 0x000f, b.getUnsignedShort(6));
  }
}
