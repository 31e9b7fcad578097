package io.vsd.director.config;

import java.math.BigDecimal;
import java.time.Duration;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/** Durations as the config file writes them: "500ms", "30s", "2m", "1h", or a plain number of seconds. */
final class Durations {
  private Durations() {}

  private static final Pattern TEXT = Pattern.compile("(\\d+(?:\\.\\d+)?)(ms|s|m|h)?");
  private static final BigDecimal MAX_MILLIS = BigDecimal.valueOf(Long.MAX_VALUE);

  /**
   * @return the duration; one beyond a long of milliseconds comes back as the longest one (of its sign), for the
   *     caller's range check to refuse
   * @throws IllegalArgumentException the reason, to follow the key's name ("must be ...")
   */
  static Duration parse(Object value) {
    BigDecimal amount;
    String unit = "s";
    if (value instanceof Number n && !(n instanceof Double d && !Double.isFinite(d))) {
      amount = new BigDecimal(n.toString());
    } else if (value instanceof String s && TEXT.matcher(s.trim()).matches()) {
      Matcher m = TEXT.matcher(s.trim());
      m.matches();
      amount = new BigDecimal(m.group(1));
      unit = m.group(2) == null ? "s" : m.group(2);
    } else {
      throw new IllegalArgumentException("must be a duration such as 500ms, 30s, 2m or 1h, or a number of seconds, got "
          + Checks.describe(value));
    }
    BigDecimal millis = amount.multiply(BigDecimal.valueOf(switch (unit) {
      case "ms" -> 1;
      case "s" -> 1_000;
      case "m" -> 60_000;
      default -> 3_600_000;
    }));
    if (millis.stripTrailingZeros().scale() > 0) {
      throw new IllegalArgumentException("must be a whole number of milliseconds, got " + Checks.describe(value));
    }
    if (millis.abs().compareTo(MAX_MILLIS) > 0) {
      return Duration.ofMillis(millis.signum() * Long.MAX_VALUE);
    }
    return Duration.ofMillis(millis.longValueExact());
  }

  /** The shortest exact form: 2h, 90s, 1500ms, 0s. */
  static String format(Duration d) {
    long ms = d.toMillis();
    if (ms == 0) {
      return "0s";
    }
    if (ms % 3_600_000 == 0) {
      return ms / 3_600_000 + "h";
    }
    if (ms % 60_000 == 0) {
      return ms / 60_000 + "m";
    }
    if (ms % 1_000 == 0) {
      return ms / 1_000 + "s";
    }
    return ms + "ms";
  }
}
