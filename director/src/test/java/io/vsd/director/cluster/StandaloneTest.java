package io.vsd.director.cluster;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.hazelcast.core.Hazelcast;
import io.vertx.core.json.JsonObject;
import io.vsd.director.Director;
import io.vsd.director.config.DirectorConfig;
import java.nio.file.Path;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Standalone stays the default, starts nothing of Hazelcast, and still has a membership view and ETags. */
class StandaloneTest {
  @TempDir
  Path dir;

  @Test
  void aStandaloneDirectorStartsNoHazelcast() throws Exception {
    DirectorConfig config = DirectorConfig.defaults()
        .withOverrides("127.0.0.1:" + DirectorProcess.freePort(), dir, "1s")
        .withClusterOverrides(new DirectorConfig.ClusterOverrides(false, null, null, null, null, "solo"))
        .withAuth(io.vsd.director.TestTokens.settings());
    Director director = Director.start(config, false).await(30, TimeUnit.SECONDS);
    try {
      assertFalse(director.vertx().isClustered());
      assertNull(director.cluster());
      assertTrue(Hazelcast.getAllHazelcastInstances().isEmpty());
      Http http = new Http(director.adminPort());
      JsonObject view = http.get("/api/v1/cluster").json();
      assertNull(view.getString("cluster"));
      assertEquals("solo", view.getJsonArray("directors").getJsonObject(0).getString("id"));
      Http.Response added = http.send("POST", "/api/v1/services",
          "{\"address\":\"127.0.0.1:" + DirectorProcess.freePort() + "\",\"servers\":[]}", null);
      assertEquals(201, added.status(), added.body());
      assertEquals("\"2\"", added.etag());
      assertEquals("\"2\"", http.get("/api/v1/services").etag());
      Http.Response stale = http.send("DELETE", "/api/v1/services", null, "\"1\"");
      assertEquals(412, stale.status());
      assertEquals("\"2\"", stale.etag());
      assertEquals(204, http.send("DELETE", "/api/v1/services", null, "\"2\"").status());
    } finally {
      director.stop();
    }
  }
}
