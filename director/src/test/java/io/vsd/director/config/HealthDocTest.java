package io.vsd.director.config;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** docs/health.md's example config is a valid config file. */
class HealthDocTest {
  @TempDir
  Path dir;

  @Test
  void exampleIsValid() throws Exception {
    Matcher m = Pattern.compile("```yaml\\n(.*?)```", Pattern.DOTALL)
        .matcher(Files.readString(Path.of("..", "docs", "health.md")));
    m.find();
    Path file = Files.writeString(dir.resolve("vsd.yaml"), m.group(1));
    ByteArrayOutputStream out = new ByteArrayOutputStream();
    ByteArrayOutputStream err = new ByteArrayOutputStream();
    int exit = CheckConfig.run(file, new PrintStream(out, true, StandardCharsets.UTF_8),
        new PrintStream(err, true, StandardCharsets.UTF_8));
    assertEquals("", err.toString());
    assertEquals(0, exit);
    assertEquals("Configuration file " + file + " is valid: 2 virtual services, 6 real servers\n", out.toString());
  }
}
