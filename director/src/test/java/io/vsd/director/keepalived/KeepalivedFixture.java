package io.vsd.director.keepalived;

import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;

/**
 * The realistic keepalived.conf of src/test/resources/keepalived (a main file and two included ones), written
 * into a directory with its {@code @PLACEHOLDERS@} filled in: fixed ports for the field-by-field test, free
 * ones for the end-to-end test.
 */
public final class KeepalivedFixture {
  private KeepalivedFixture() {}

  static final List<String> FILES = List.of("keepalived.conf", "conf.d/10-dns.conf", "conf.d/20-db.conf");

  /** @return the main file */
  public static Path write(Path dir, Map<String, String> values) throws IOException {
    for (String name : FILES) {
      String text;
      try (InputStream in = KeepalivedFixture.class.getResourceAsStream("/keepalived/" + name)) {
        text = new String(in.readAllBytes(), StandardCharsets.UTF_8);
      }
      for (Map.Entry<String, String> e : values.entrySet()) {
        text = text.replace("@" + e.getKey() + "@", e.getValue());
      }
      if (text.matches("(?s).*@[A-Z_0-9]+@.*")) {
        throw new IllegalArgumentException(name + " has a placeholder left: " + text);
      }
      Path file = dir.resolve(name);
      Files.createDirectories(file.getParent());
      Files.writeString(file, text);
    }
    return dir.resolve("keepalived.conf");
  }
}
