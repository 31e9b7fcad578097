package io.vsd.director.config;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** docs/configuration.md shows files and --check-config output; this keeps them true. */
class ConfigurationDocTest {
  private static final Path DOC = Path.of("..", "docs", "configuration.md");
  private static final Pattern BLOCK = Pattern.compile("```(\\w*)\\n(.*?)```", Pattern.DOTALL);

  @TempDir
  Path dir;

  private record Block(String lang, String text) {}

  private static List<Block> blocks() throws Exception {
    List<Block> blocks = new ArrayList<>();
    Matcher m = BLOCK.matcher(Files.readString(DOC));
    while (m.find()) {
      blocks.add(new Block(m.group(1), m.group(2)));
    }
    return blocks;
  }

  private String check(String yaml, ByteArrayOutputStream out, ByteArrayOutputStream err, int exit) throws Exception {
    Path file = Files.writeString(dir.resolve("vsd.yaml"), yaml);
    assertEquals(exit, CheckConfig.run(file,
        new PrintStream(out, true, StandardCharsets.UTF_8), new PrintStream(err, true, StandardCharsets.UTF_8)));
    return file.toString();
  }

  @Test
  void completeExampleIsValid() throws Exception {
    List<Block> yaml = blocks().stream().filter(b -> b.lang().equals("yaml")).toList();
    ByteArrayOutputStream out = new ByteArrayOutputStream();
    String file = check(yaml.get(0).text(), out, new ByteArrayOutputStream(), 0);
    assertEquals("Configuration file " + file + " is valid: 2 virtual services, 5 real servers\n", out.toString());
  }

  @Test
  void sampleOutputIsWhatTheSampleFileGives() throws Exception {
    List<Block> blocks = blocks();
    Block bad = blocks.stream().filter(b -> b.lang().equals("yaml")).toList().get(1);
    Block shown = blocks.get(blocks.indexOf(bad) + 1);
    ByteArrayOutputStream err = new ByteArrayOutputStream();
    String file = check(bad.text(), new ByteArrayOutputStream(), err, 1);
    // The doc runs it as "vsd.yaml" from its directory.
    String expected = shown.text().lines()
        .filter(l -> !l.startsWith("$") && !l.equals("1"))
        .map(l -> l.replace("vsd.yaml", file))
        .reduce("", (a, l) -> a + l + "\n");
    assertEquals(expected, err.toString());
  }
}
