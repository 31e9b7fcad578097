package io.vsd.director.config;

import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import io.vsd.services.model.Problem;
import java.util.Collection;
import java.util.List;
import java.util.Map;

/** Small checks shared by the sections of the file. */
final class Checks {
  private Checks() {}

  /** Every key not in {@code known} is an error: a misspelt key must never be silently ignored. */
  static void knownKeys(JsonObject json, String at, Collection<String> known, List<Problem> problems) {
    for (Map.Entry<String, Object> e : json) {
      if (!known.contains(e.getKey())) {
        // Worded as ServiceJson words it, so that one output reads alike from top to bottom.
        problems.add(new Problem(at + "/" + e.getKey(), "unknown field \"" + e.getKey() + "\"; expected one of: "
            + String.join(", ", known.stream().sorted().toList())));
      }
    }
  }

  /** A value as an operator would recognise it in a message. */
  static String describe(Object value) {
    return switch (value) {
      case null -> "nothing";
      case String s -> "\"" + s + "\"";
      case JsonObject o -> "a mapping";
      case JsonArray a -> "a list";
      default -> String.valueOf(value);
    };
  }
}
