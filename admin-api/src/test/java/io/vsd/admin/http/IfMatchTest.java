package io.vsd.admin.http;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;

import io.vertx.core.json.JsonArray;
import org.junit.jupiter.api.Test;

class IfMatchTest {
  @Test
  void readsStrongVersionTagsOnly() {
    assertNull(AdminApiVerticle.ifMatch(null));
    assertEquals("*", AdminApiVerticle.ifMatch(" * "));
    assertEquals(new JsonArray().add(7L), AdminApiVerticle.ifMatch("\"7\""));
    assertEquals(new JsonArray().add(7L).add(9L), AdminApiVerticle.ifMatch("\"7\", W/\"8\", \"9\""));
    assertEquals(new JsonArray(), AdminApiVerticle.ifMatch("W/\"7\""));
    assertEquals(new JsonArray(), AdminApiVerticle.ifMatch("\"abc\""));
    assertEquals("\"12\"", AdminApiVerticle.etag(12));
  }
}
