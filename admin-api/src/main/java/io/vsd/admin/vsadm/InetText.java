package io.vsd.admin.vsadm;

import java.net.Inet6Address;
import java.net.InetAddress;
import java.net.UnknownHostException;
import java.util.ArrayList;
import java.util.List;

/**
 * IP literals to and from text, without DNS. {@link InetAddress#getByName} may go to DNS for text that
 * merely looks like a literal, and prints IPv6 uncompressed; ipvsadm prints what glibc's inet_ntop prints.
 */
final class InetText {
    private InetText() {
    }

    /** A dotted quad, or null. */
    static InetAddress parseIpv4(String text) {
        String[] parts = text.split("\\.", -1);
        if (parts.length != 4) {
            return null;
        }
        byte[] bytes = new byte[4];
        for (int i = 0; i < 4; i++) {
            if (!parts[i].matches("[0-9]{1,3}") || Integer.parseInt(parts[i]) > 255) {
                return null;
            }
            bytes[i] = (byte) Integer.parseInt(parts[i]);
        }
        return address(bytes);
    }

    /** An IPv6 literal (RFC 4291 text, optionally ending in a dotted quad), or null. */
    static InetAddress parseIpv6(String text) {
        if (text.isEmpty() || !text.matches("[0-9A-Fa-f:.]+")) {
            return null;
        }
        int gap = text.indexOf("::");
        if (gap >= 0 && text.indexOf("::", gap + 1) >= 0) {
            return null;
        }
        List<Integer> head = groups(gap >= 0 ? text.substring(0, gap) : text, gap < 0);
        List<Integer> tail = gap >= 0 ? groups(text.substring(gap + 2), true) : List.of();
        if (head == null || tail == null) {
            return null;
        }
        int given = head.size() + tail.size();
        if (gap < 0 ? given != 8 : given > 7) {
            return null;
        }
        byte[] bytes = new byte[16];
        for (int i = 0; i < head.size(); i++) {
            put(bytes, i, head.get(i));
        }
        for (int i = 0; i < tail.size(); i++) {
            put(bytes, 8 - tail.size() + i, tail.get(i));
        }
        return address(bytes);
    }

    private static List<Integer> groups(String part, boolean quadAllowedLast) {
        List<Integer> groups = new ArrayList<>();
        if (part.isEmpty()) {
            return groups;
        }
        String[] pieces = part.split(":", -1);
        for (int i = 0; i < pieces.length; i++) {
            String piece = pieces[i];
            if (quadAllowedLast && i == pieces.length - 1 && piece.contains(".")) {
                InetAddress quad = parseIpv4(piece);
                if (quad == null) {
                    return null;
                }
                byte[] b = quad.getAddress();
                groups.add((b[0] & 0xff) << 8 | b[1] & 0xff);
                groups.add((b[2] & 0xff) << 8 | b[3] & 0xff);
            } else if (piece.matches("[0-9A-Fa-f]{1,4}")) {
                groups.add(Integer.parseInt(piece, 16));
            } else {
                return null;
            }
        }
        return groups;
    }

    private static void put(byte[] bytes, int group, int value) {
        bytes[2 * group] = (byte) (value >> 8);
        bytes[2 * group + 1] = (byte) value;
    }

    /** Bytes as an address, keeping 16 bytes IPv6 even when IPv4-mapped. */
    static InetAddress address(byte[] bytes) {
        try {
            return bytes.length == 16 ? Inet6Address.getByAddress(null, bytes, -1) : InetAddress.getByAddress(bytes);
        } catch (UnknownHostException e) {
            throw new IllegalArgumentException("not an IP address: " + bytes.length + " bytes", e);
        }
    }

    /** The address as inet_ntop writes it. */
    static String format(InetAddress address) {
        byte[] b = address.getAddress();
        if (b.length == 4) {
            return (b[0] & 0xff) + "." + (b[1] & 0xff) + "." + (b[2] & 0xff) + "." + (b[3] & 0xff);
        }
        int[] words = new int[8];
        for (int i = 0; i < 8; i++) {
            words[i] = (b[2 * i] & 0xff) << 8 | b[2 * i + 1] & 0xff;
        }
        // glibc inet_ntop6: compress the first longest run of two or more zero words.
        int bestBase = -1;
        int bestLen = 0;
        for (int i = 0; i < 8; ) {
            if (words[i] != 0) {
                i++;
                continue;
            }
            int start = i;
            while (i < 8 && words[i] == 0) {
                i++;
            }
            if (i - start > bestLen) {
                bestBase = start;
                bestLen = i - start;
            }
        }
        if (bestLen < 2) {
            bestBase = -1;
        }
        StringBuilder text = new StringBuilder();
        for (int i = 0; i < 8; i++) {
            if (bestBase >= 0 && i >= bestBase && i < bestBase + bestLen) {
                if (i == bestBase) {
                    text.append(':');
                }
                continue;
            }
            if (i != 0) {
                text.append(':');
            }
            if (i == 6 && bestBase == 0 && (bestLen == 6 || bestLen == 5 && words[5] == 0xffff)) {
                text.append(b[12] & 0xff).append('.').append(b[13] & 0xff).append('.')
                        .append(b[14] & 0xff).append('.').append(b[15] & 0xff);
                break;
            }
            text.append(Integer.toHexString(words[i]));
        }
        if (bestBase >= 0 && bestBase + bestLen == 8) {
            text.append(':');
        }
        return text.toString();
    }
}
