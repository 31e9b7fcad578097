package io.vsd.director.config;

import java.io.PrintStream;
import java.nio.file.Path;

/**
 * {@code vsd --check-config FILE}: validates a config file and reports every error, as {@code haproxy -c}
 * and {@code keepalived --config-test} do. Nothing is bound, resolved or written.
 */
public final class CheckConfig {
  private CheckConfig() {}

  /** @return the exit code: 0 when the file is valid, 1 when it is not or cannot be read */
  public static int run(Path file, PrintStream out, PrintStream err) {
    try {
      DirectorConfig config = ConfigLoader.load(file);
      out.println("Configuration file " + file + " is valid: " + count(config.services().size(), "virtual service")
          + ", " + count(config.realServerCount(), "real server"));
      return 0;
    } catch (ConfigException e) {
      e.errors().forEach(err::println);
      // A file that could not be read at all is said in its one line; a count would add nothing.
      if (e.errors().stream().anyMatch(ConfigError::hasLocation)) {
        err.println(count(e.errors().size(), "error") + " in " + file);
      }
      return 1;
    }
  }

  private static String count(int n, String noun) {
    return n + " " + noun + (n == 1 ? "" : "s");
  }
}
