package io.vsd.director.keepalived;

import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.regex.Pattern;

/**
 * Writes the converted configuration as the YAML of docs/configuration.md: block mappings, one list item per
 * service and real server, short lists in flow style, and strings quoted only where YAML could misread them.
 */
final class YamlWriter {
  private YamlWriter() {}

  private static final Pattern WORD = Pattern.compile("[A-Za-z_/][A-Za-z0-9_./-]*");
  private static final Pattern IPV4_PORT = Pattern.compile("\\d{1,3}(\\.\\d{1,3}){3}(:\\d{1,5})?");
  private static final Pattern DURATION = Pattern.compile("\\d+(ms|s|m|h)");
  /** Words YAML 1.1 or 1.2 would read as booleans or null. */
  private static final Set<String> RESERVED = Set.of("true", "false", "yes", "no", "on", "off", "y", "n", "null", "~");

  static String write(KeepalivedConverter.Result result, String source) {
    StringBuilder y = new StringBuilder();
    y.append("# vsd configuration converted from ").append(source).append(" by vsadm --import-keepalived.\n");
    y.append("# Keywords that could not be carried over were listed on standard error (docs/keepalived.md).\n");
    if (result.execChecks()) {
      y.append("director:\n");
      y.append("  exec-checks: true          # MISC_CHECK scripts run as exec checks on this director\n");
    }
    if (result.services().isEmpty()) {
      y.append("services: []\n");
      return y.toString();
    }
    y.append("services:\n");
    for (KeepalivedConverter.Service s : result.services()) {
      y.append("  # ").append(s.origin().replace('\n', ' ')).append('\n');
      item(y, s.json(), 2);
    }
    return y.toString();
  }

  /** A mapping as a list item: "- " then its first key, the others under it. */
  private static void item(StringBuilder y, JsonObject json, int indent) {
    boolean first = true;
    for (Map.Entry<String, Object> e : json) {
      y.append(" ".repeat(indent)).append(first ? "- " : "  ");
      entry(y, e.getKey(), e.getValue(), indent + 2);
      first = false;
    }
    if (first) {
      y.append(" ".repeat(indent)).append("- {}\n");
    }
  }

  private static void mapping(StringBuilder y, JsonObject json, int indent) {
    for (Map.Entry<String, Object> e : json) {
      y.append(" ".repeat(indent));
      entry(y, e.getKey(), e.getValue(), indent);
    }
  }

  private static void entry(StringBuilder y, String key, Object value, int indent) {
    y.append(key).append(':');
    if (value instanceof JsonObject o && !o.isEmpty()) {
      y.append('\n');
      mapping(y, o, indent + 2);
    } else if (value instanceof JsonArray a && !a.isEmpty() && a.getValue(0) instanceof JsonObject) {
      y.append('\n');
      for (Object item : a) {
        item(y, (JsonObject) item, indent + 2);
      }
    } else {
      y.append(' ').append(scalar(value)).append('\n');
    }
  }

  static String scalar(Object value) {
    return switch (value) {
      case null -> "null";
      case JsonObject o -> "{}";
      case JsonArray a -> {
        StringBuilder b = new StringBuilder("[");
        for (int i = 0; i < a.size(); i++) {
          b.append(i == 0 ? "" : ", ").append(scalar(a.getValue(i)));
        }
        yield b.append(']').toString();
      }
      case String s -> plain(s) ? s : quoted(s);
      default -> String.valueOf(value);
    };
  }

  private static boolean plain(String s) {
    return (WORD.matcher(s).matches() && !RESERVED.contains(s.toLowerCase(Locale.ROOT)))
        || IPV4_PORT.matcher(s).matches() || DURATION.matcher(s).matches();
  }

  /** JSON's string escapes are all valid in a YAML double-quoted scalar. */
  private static String quoted(String s) {
    return new JsonArray().add(s).encode().replaceAll("^\\[|\\]$", "");
  }
}
