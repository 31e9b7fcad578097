package io.vsd.director.config;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class CheckConfigTest {
  @TempDir
  Path dir;

  private final ByteArrayOutputStream out = new ByteArrayOutputStream();
  private final ByteArrayOutputStream err = new ByteArrayOutputStream();

  private int run(Path file) {
    return CheckConfig.run(file, new PrintStream(out, true, StandardCharsets.UTF_8),
        new PrintStream(err, true, StandardCharsets.UTF_8));
  }

  @Test
  void validFileIsOneLineOnStdout() throws Exception {
    Path file = Files.writeString(dir.resolve("vsd.yaml"), """
        services:
          - address: 127.0.0.1:8080
            servers:
              - address: 127.0.0.1:9001
              - address: 127.0.0.1:9002
          - address: 127.0.0.1:8081
            servers: [{address: 127.0.0.1:9003}]
        """);
    assertEquals(0, run(file));
    assertEquals("Configuration file " + file + " is valid: 2 virtual services, 3 real servers\n", out.toString());
    assertEquals("", err.toString());
  }

  @Test
  void singularCounts() throws Exception {
    Path file = Files.writeString(dir.resolve("vsd.yaml"), "services: [{address: 127.0.0.1:80, servers: [{address: 127.0.0.1:81}]}]\n");
    assertEquals(0, run(file));
    assertEquals("Configuration file " + file + " is valid: 1 virtual service, 1 real server\n", out.toString());
  }

  @Test
  void everyErrorOnItsOwnLineThenACount() throws Exception {
    Path file = Files.writeString(dir.resolve("vsd.yaml"), """
        director:
          connect-retries: -1
        services:
          - address: 127.0.0.1:8080
            servers:
              - {address: 127.0.0.1:9001, weight: 70000}
        """);
    assertEquals(1, run(file));
    assertEquals("", out.toString());
    assertEquals(file + ":2:3: director.connect-retries: connect-retries must be a whole number, 0 or more, got -1\n"
        + file + ":6:35: services[0].servers[0].weight: weight must be an integer between 0 and 65535, got 70000\n"
        + "2 errors in " + file + "\n", err.toString());
  }

  @Test
  void oneErrorIsCountedInTheSingular() throws Exception {
    Path file = Files.writeString(dir.resolve("vsd.yaml"), "services: [\n");
    assertEquals(1, run(file));
    assertEquals(file + ":2:1: YAML syntax error: expected the node content, but found '<stream end>'\n"
        + "1 error in " + file + "\n", err.toString());
  }

  @Test
  void missingFileIsOneLine() {
    Path file = dir.resolve("nope.yaml");
    assertEquals(1, run(file));
    assertEquals("", out.toString());
    assertEquals(file + ": no such file\n", err.toString());
  }

  @Test
  void directoryIsOneLine() {
    assertEquals(1, run(dir));
    assertEquals(dir + ": is a directory, not a file\n", err.toString());
  }
}
