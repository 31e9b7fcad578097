package io.vsd.admin.http;

import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import io.vsd.eventbus.HealthEvent;
import io.vsd.services.model.CheckSpec;
import io.vsd.services.model.HealthJson;
import io.vsd.services.model.Problem;
import io.vsd.services.routing.ServerHealth;
import java.util.ArrayList;
import java.util.List;

/**
 * The read-only {@code health} of a service and of each of its real servers in the API's JSON
 * (docs/admin-api.md), from the health verticle's status ({@code vsd.health.status}). A real server's
 * {@code effectiveWeight} is what the scheduling verticle uses: 0 while it is down (left out, or inhibited), the
 * configured weight adjusted by an agent's or exec check's dynamic weight while it is up.
 */
final class HealthView {
  private HealthView() {}

  /** Adds {@code health} to {@code service} and its servers; nothing when there is no health verticle. */
  static void add(JsonObject service, JsonObject status) {
    if (status == null || !status.containsKey("services")) {
      return;
    }
    String key = service.getString("protocol") + "/" + service.getString("address");
    JsonObject known = status.getJsonObject("services").getJsonObject(key, new JsonObject());
    JsonObject servers = known.getJsonObject("servers", new JsonObject());
    List<Problem> ignored = new ArrayList<>();
    var serviceCheck = HealthJson.parseCheck(service.getValue("check"), "", false, ignored);
    long healthyWeight = 0;
    int up = 0;
    int checked = 0;
    for (Object o : service.getJsonArray("servers", new JsonArray())) {
      JsonObject server = (JsonObject) o;
      int configured = server.getInteger("weight", 1);
      JsonObject h = servers.getJsonObject(server.getString("address"));
      JsonObject health;
      var check = HealthJson.parseCheck(server.getValue("check"), "", true, ignored);
      boolean hasCheck = CheckSpec.effective(serviceCheck, check) != null;
      if (h == null || !hasCheck) {
        // Not checked (or not yet known): up with its configured weight, as the scheduling verticle has it.
        health = new JsonObject().put("state", HealthEvent.UP).put("checked", false).put("effectiveWeight", configured);
      } else {
        checked++;
        boolean isUp = HealthEvent.UP.equals(h.getString("state"));
        health = h.copy().put("checked", true).put("effectiveWeight",
            isUp ? ServerHealth.effectiveWeight(configured, h.getInteger("weight"), h.getInteger("weightPercent")) : 0);
        health.remove("checkId");
      }
      if (HealthEvent.UP.equals(health.getString("state"))) {
        up++;
        healthyWeight += health.getInteger("effectiveWeight");
      }
      server.put("health", health);
    }
    JsonObject summary = new JsonObject()
        .put("state", known.getString("state", healthyWeight > 0 ? HealthEvent.UP
            : service.getString("sorry") != null ? HealthEvent.SORRY : HealthEvent.DOWN))
        .put("serversUp", up)
        .put("serversChecked", checked)
        .put("healthyWeight", healthyWeight);
    if (known.containsKey("reason")) {
      summary.put("reason", known.getString("reason")).put("since", known.getLong("since"));
    }
    service.put("health", summary);
  }
}
