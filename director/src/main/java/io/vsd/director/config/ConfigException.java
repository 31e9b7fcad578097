package io.vsd.director.config;

import java.nio.file.Path;
import java.util.List;
import java.util.stream.Collectors;

/** A config file that cannot be used, with every error found in it, in file order. */
public final class ConfigException extends Exception {
  private final Path file;
  private final List<ConfigError> errors;

  ConfigException(Path file, List<ConfigError> errors) {
    super(errors.stream().map(ConfigError::toString).collect(Collectors.joining("\n")));
    this.file = file;
    this.errors = List.copyOf(errors);
  }

  public Path file() {
    return file;
  }

  /** Never empty; sorted by line, then column. */
  public List<ConfigError> errors() {
    return errors;
  }
}
