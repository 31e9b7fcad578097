package io.vsd.services.model;

import io.vertx.core.json.JsonObject;
import java.math.BigDecimal;
import java.util.List;
import java.util.Set;

/**
 * The director's connection timeouts, in seconds, as ipvsadm's {@code --set tcp tcpfin udp} sets them: an
 * established TCP connection idle for {@code tcp} is closed, one that either side has half-closed (FIN) for
 * {@code tcpfin}; {@code udp} is the idle timeout of a UDP flow. They belong to the table, not to a service.
 *
 * @param version the table version that last set them (0: the defaults, never set); a cluster merge keeps the newer
 */
public record Timeouts(int tcp, int tcpfin, int udp, long version) {
  /** IPVS's defaults: 15 minutes, 2 minutes, 5 minutes. */
  public static final Timeouts DEFAULT = new Timeouts(900, 120, 300, 0);
  /** ipvsadm's MAX_TIMEOUT: 31 days. */
  public static final int MAX = 86400 * 31;

  private static final Set<String> FIELDS = Set.of("tcp", "tcpfin", "udp");

  public Timeouts {
    if (tcp < 1 || tcpfin < 1 || udp < 1 || tcp > MAX || tcpfin > MAX || udp > MAX) {
      throw new IllegalArgumentException("timeouts must be 1.." + MAX + " seconds: " + tcp + " " + tcpfin + " " + udp);
    }
  }

  public Timeouts withVersion(long v) {
    return new Timeouts(tcp, tcpfin, udp, v);
  }

  /** Same values, whichever version set them. */
  public boolean sameValues(Timeouts other) {
    return tcp == other.tcp && tcpfin == other.tcpfin && udp == other.udp;
  }

  public JsonObject toJson() {
    return new JsonObject().put("tcp", tcp).put("tcpfin", tcpfin).put("udp", udp).put("version", version);
  }

  /** The state file's and the cluster's form ({@link #toJson()}); null or missing gives the defaults. */
  public static Timeouts fromJson(JsonObject json) {
    if (json == null) {
      return DEFAULT;
    }
    return new Timeouts(json.getInteger("tcp", DEFAULT.tcp), json.getInteger("tcpfin", DEFAULT.tcpfin),
        json.getInteger("udp", DEFAULT.udp), json.getLong("version", 0L));
  }

  /**
   * A change as the API and vsadm's {@code --set} give it: {@code {"tcp": N, "tcpfin": N, "udp": N}}, each
   * optional, each 0..{@link #MAX} seconds, where 0 (or leaving it out) keeps the current value, as in ipvsadm.
   * Problems go to {@code problems} with {@code at} as the pointer prefix.
   *
   * @return the timeouts after the change (version unchanged), or null when there were problems
   */
  public static Timeouts applyChange(Object input, String at, Timeouts current, List<Problem> problems) {
    int before = problems.size();
    if (!(input instanceof JsonObject json)) {
      problems.add(new Problem(at, "timeouts must be an object such as {\"tcp\": 900, \"tcpfin\": 120, \"udp\": 300}"));
      return null;
    }
    for (String name : json.fieldNames()) {
      if (name.equals("version")) {
        continue; // read-only: what a GET gave may be sent back
      }
      if (!FIELDS.contains(name)) {
        problems.add(new Problem(at + "/" + name, "unknown field \"" + name + "\"; timeouts has tcp, tcpfin and udp"));
      }
    }
    int tcp = seconds(json.getValue("tcp"), at + "/tcp", "tcp", problems);
    int tcpfin = seconds(json.getValue("tcpfin"), at + "/tcpfin", "tcpfin", problems);
    int udp = seconds(json.getValue("udp"), at + "/udp", "udp", problems);
    if (problems.size() > before) {
      return null;
    }
    return new Timeouts(tcp == 0 ? current.tcp : tcp, tcpfin == 0 ? current.tcpfin : tcpfin,
        udp == 0 ? current.udp : udp, current.version);
  }

  /**
   * The config file's form: every field optional, 1..{@link #MAX}; left out means IPVS's default.
   *
   * @return the timeouts (version 0), or null when there were problems
   */
  public static Timeouts parseConfig(Object input, String at, List<Problem> problems) {
    int before = problems.size();
    if (input instanceof JsonObject json) {
      // 0 means "keep" on the command line; a file has nothing to keep.
      for (String name : List.of("tcp", "tcpfin", "udp")) {
        if (json.getValue(name) instanceof Number n && n.doubleValue() == 0) {
          problems.add(new Problem(at + "/" + name, name + " must be 1.." + MAX + " seconds; leave it out for the default"));
        }
      }
    }
    Timeouts t = applyChange(input, at, DEFAULT, problems);
    return problems.size() > before ? null : t;
  }

  /** Seconds, 0..MAX; missing is 0 (keep). A problem is recorded and 0 returned when it is not such a number. */
  private static int seconds(Object value, String at, String what, List<Problem> problems) {
    if (value == null) {
      return 0;
    }
    if (value instanceof Number n) {
      BigDecimal d = new BigDecimal(n.toString());
      if (d.stripTrailingZeros().scale() <= 0 && d.signum() >= 0 && d.compareTo(BigDecimal.valueOf(MAX)) <= 0) {
        return d.intValueExact();
      }
    }
    problems.add(new Problem(at, what + " must be a whole number of seconds between 0 (keep) and " + MAX
        + " (31 days), got " + ServiceJson.describe(value)));
    return 0;
  }

  @Override
  public String toString() {
    return tcp + " " + tcpfin + " " + udp;
  }
}
