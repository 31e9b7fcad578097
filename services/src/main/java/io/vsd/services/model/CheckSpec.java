package io.vsd.services.model;

import io.vertx.core.json.JsonObject;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.time.Duration;
import java.util.HexFormat;
import java.util.TreeMap;

/**
 * The check a real server actually gets: its service's check merged with its own override, every default filled
 * in (docs/health.md). Immutable.
 *
 * @param type         tcp, http, https, udp, dns, exec or agent
 * @param port         the port to check; 0: the real server's port
 * @param interval     wait between two checks while the state is settled (up)
 * @param fastInterval wait between two checks while the state is changing (a result differs from the state)
 * @param downInterval wait between two checks while the server is down
 * @param timeout      how long one check may take
 * @param rise         consecutive successes that bring a down server up
 * @param fall         consecutive failures that take an up server down
 * @param jitter       each wait is multiplied by a random factor in [1 - jitter, 1 + jitter]
 * @param alpha        start as down until proven up (keepalived's alpha); otherwise start up
 * @param params       the fields of the type (path, expect, command...), normalized
 */
public record CheckSpec(String type, int port, Duration interval, Duration fastInterval, Duration downInterval,
                        Duration timeout, int rise, int fall, double jitter, boolean alpha, JsonObject params) {

  public static final Duration DEFAULT_INTERVAL = Duration.ofSeconds(2);
  public static final Duration DEFAULT_TIMEOUT = Duration.ofSeconds(1);
  public static final Duration MIN_FAST_INTERVAL = Duration.ofMillis(10);
  public static final int DEFAULT_RISE = 2;
  public static final int DEFAULT_FALL = 3;
  public static final double DEFAULT_JITTER = 0.1;

  public CheckSpec {
    params = params.copy();
  }

  @Override
  public JsonObject params() {
    return params.copy();
  }

  /**
   * The check of {@code server} in a service whose default check is {@code service}; null when it has none.
   *
   * <ul>
   *   <li>no override: the service's check;
   *   <li>an override without a type: the service's check (a TCP connect check when the service has none) with
   *       the override's timing and port;
   *   <li>an override with a type: that check, with the service's timing and port where the override gives none;
   *   <li>type {@code none}: no check.
   * </ul>
   */
  public static CheckSpec effective(HealthCheck service, HealthCheck server) {
    if (service == null && server == null) {
      return null;
    }
    JsonObject merged;
    if (server == null) {
      merged = service.spec();
    } else if (server.type() != null) {
      merged = new JsonObject();
      if (service != null) {
        JsonObject s = service.spec();
        for (String key : HealthJson.COMMON_KEYS) {
          if (s.containsKey(key) && !key.equals("type")) {
            merged.put(key, s.getValue(key));
          }
        }
      }
      merged.mergeIn(server.spec());
    } else {
      merged = service == null ? new JsonObject() : service.spec();
      merged.mergeIn(server.spec());
    }
    String type = merged.getString("type", "tcp");
    if (type.equals("none")) {
      return null;
    }
    Duration interval = duration(merged, "interval", DEFAULT_INTERVAL);
    Duration fast = duration(merged, "fastInterval", max(MIN_FAST_INTERVAL, interval.dividedBy(4)));
    Duration down = duration(merged, "downInterval", interval);
    Duration timeout = duration(merged, "timeout", min(DEFAULT_TIMEOUT, interval));
    JsonObject params = new JsonObject();
    for (String key : HealthJson.typeKeys(type)) {
      if (merged.containsKey(key)) {
        params.put(key, merged.getValue(key));
      }
    }
    return new CheckSpec(type, merged.getInteger("port", 0), interval, fast, down, timeout,
        merged.getInteger("rise", DEFAULT_RISE), merged.getInteger("fall", DEFAULT_FALL),
        merged.getDouble("jitter", DEFAULT_JITTER), merged.getBoolean("alpha", false), params);
  }

  /** The address to check for real server {@code server}: its address, at this check's port when it has one. */
  public Endpoint target(Endpoint server) {
    return port == 0 ? server : new Endpoint(server.address(), port);
  }

  /** Every field, with sorted keys: equal strings for equal checks. */
  public String canonical() {
    TreeMap<String, Object> all = new TreeMap<>();
    all.put("type", type);
    all.put("port", port);
    all.put("interval", interval.toMillis());
    all.put("fastInterval", fastInterval.toMillis());
    all.put("downInterval", downInterval.toMillis());
    all.put("timeout", timeout.toMillis());
    all.put("rise", rise);
    all.put("fall", fall);
    all.put("jitter", jitter);
    all.put("alpha", alpha);
    all.put("params", new JsonObject(new TreeMap<>(params.getMap())));
    return new JsonObject(all).encode();
  }

  /**
   * Identifies this check of {@code server}: the same for identical checks of the same address and port, whatever
   * the service. The health verticle runs one probe per id; the scheduling verticle applies a health event only
   * while the server's check still has the event's id.
   */
  public String id(Endpoint server) {
    try {
      byte[] digest = MessageDigest.getInstance("SHA-256")
          .digest((target(server) + " " + canonical()).getBytes(StandardCharsets.UTF_8));
      return HexFormat.of().formatHex(digest, 0, 8);
    } catch (NoSuchAlgorithmException e) {
      throw new IllegalStateException("every JDK has SHA-256", e);
    }
  }

  private static Duration duration(JsonObject json, String key, Duration dflt) {
    Object v = json.getValue(key);
    return v == null ? dflt : HealthJson.parseDuration(v);
  }

  private static Duration max(Duration a, Duration b) {
    return a.compareTo(b) >= 0 ? a : b;
  }

  private static Duration min(Duration a, Duration b) {
    return a.compareTo(b) <= 0 ? a : b;
  }
}
