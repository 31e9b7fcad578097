package io.vsd.services.model;

import io.vertx.core.json.JsonObject;

/**
 * A health check as an operator wrote it, on a service (the default for its real servers) or on a real server
 * (an override): validated and normalized JSON (docs/health.md). {@link CheckSpec#effective} merges the two and
 * fills in the defaults.
 *
 * @param spec the normalized fields given; never modified
 */
public record HealthCheck(JsonObject spec) {

  public HealthCheck {
    spec = spec.copy();
  }

  /** The type given, or null when the check leaves it to the service's check (a server's override). */
  public String type() {
    return spec.getString("type");
  }

  @Override
  public JsonObject spec() {
    return spec.copy();
  }
}
