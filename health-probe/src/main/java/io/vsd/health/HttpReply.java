package io.vsd.health;

import io.vertx.core.buffer.Buffer;
import java.nio.charset.StandardCharsets;
import java.util.Locale;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * An HTTP/1.x response as bytes read so far: whether it is whole, its status and its body (de-chunked). The
 * check asks with HTTP/1.0 and {@code Connection: close}, as keepalived's HTTP_GET does, so most servers end the
 * body by closing; a Content-Length or a chunked body ends it sooner.
 */
final class HttpReply {
  private static final Pattern STATUS_LINE = Pattern.compile("HTTP/\\d\\.\\d (\\d{3})(?: ([^\\r\\n]*))?");
  private static final byte[] HEADER_END = {'\r', '\n', '\r', '\n'};

  final int status;
  final String reason;
  final byte[] body;

  private HttpReply(int status, String reason, byte[] body) {
    this.status = status;
    this.reason = reason;
    this.body = body;
  }

  /** Whether {@code data} holds a whole response (the caller also stops when the server closes). */
  static boolean complete(Buffer data) {
    byte[] bytes = data.getBytes();
    int end = indexOf(bytes, HEADER_END, 0);
    if (end < 0) {
      return false;
    }
    String head = new String(bytes, 0, end, StandardCharsets.ISO_8859_1);
    int bodyStart = end + 4;
    long length = contentLength(head);
    if (length >= 0) {
      return bytes.length - bodyStart >= length;
    }
    if (chunked(head)) {
      return dechunk(bytes, bodyStart) != null;
    }
    return false; // read until the server closes
  }

  /**
   * Parses a response.
   *
   * @throws IllegalArgumentException with what is wrong, when it is not an HTTP response or is cut short
   */
  static HttpReply parse(Buffer data, boolean closed) {
    byte[] bytes = data.getBytes();
    int end = indexOf(bytes, HEADER_END, 0);
    if (end < 0) {
      String start = new String(bytes, 0, Math.min(bytes.length, 40), StandardCharsets.ISO_8859_1);
      throw new IllegalArgumentException(bytes.length == 0 ? "connection closed without a response"
          : "not an HTTP response: " + TcpExpectChecker.quote(start));
    }
    String head = new String(bytes, 0, end, StandardCharsets.ISO_8859_1);
    Matcher m = STATUS_LINE.matcher(head);
    if (!m.lookingAt()) {
      throw new IllegalArgumentException("not an HTTP status line: "
          + TcpExpectChecker.quote(head.lines().findFirst().orElse("")));
    }
    int bodyStart = end + 4;
    byte[] body;
    long length = contentLength(head);
    if (chunked(head)) {
      body = dechunk(bytes, bodyStart);
      if (body == null) {
        throw new IllegalArgumentException("chunked body cut short");
      }
    } else if (length >= 0) {
      if (bytes.length - bodyStart < length) {
        throw new IllegalArgumentException("body cut short: " + (bytes.length - bodyStart) + " of " + length + " bytes");
      }
      body = java.util.Arrays.copyOfRange(bytes, bodyStart, bodyStart + (int) length);
    } else {
      body = java.util.Arrays.copyOfRange(bytes, bodyStart, bytes.length);
    }
    return new HttpReply(Integer.parseInt(m.group(1)), m.group(2) == null ? "" : m.group(2), body);
  }

  private static long contentLength(String head) {
    for (String line : head.split("\r\n")) {
      int colon = line.indexOf(':');
      if (colon > 0 && line.substring(0, colon).trim().equalsIgnoreCase("content-length")) {
        try {
          return Long.parseLong(line.substring(colon + 1).trim());
        } catch (NumberFormatException e) {
          return -1;
        }
      }
    }
    return -1;
  }

  private static boolean chunked(String head) {
    for (String line : head.split("\r\n")) {
      int colon = line.indexOf(':');
      if (colon > 0 && line.substring(0, colon).trim().equalsIgnoreCase("transfer-encoding")
          && line.substring(colon + 1).toLowerCase(Locale.ROOT).contains("chunked")) {
        return true;
      }
    }
    return false;
  }

  /** The body of a chunked encoding starting at {@code from}, or null while it is not whole. */
  private static byte[] dechunk(byte[] bytes, int from) {
    java.io.ByteArrayOutputStream out = new java.io.ByteArrayOutputStream();
    int pos = from;
    while (true) {
      int lineEnd = indexOf(bytes, new byte[] {'\r', '\n'}, pos);
      if (lineEnd < 0) {
        return null;
      }
      String sizeText = new String(bytes, pos, lineEnd - pos, StandardCharsets.ISO_8859_1).split(";", 2)[0].trim();
      int size;
      try {
        size = Integer.parseInt(sizeText, 16);
      } catch (NumberFormatException e) {
        return null;
      }
      pos = lineEnd + 2;
      if (size == 0) {
        return out.toByteArray();
      }
      if (bytes.length < pos + size + 2) {
        return null;
      }
      out.write(bytes, pos, size);
      pos += size + 2;
    }
  }

  private static int indexOf(byte[] bytes, byte[] what, int from) {
    outer:
    for (int i = from; i <= bytes.length - what.length; i++) {
      for (int j = 0; j < what.length; j++) {
        if (bytes[i + j] != what[j]) {
          continue outer;
        }
      }
      return i;
    }
    return -1;
  }
}
