package io.vsd.director.config;

import java.nio.file.Path;

/**
 * One thing wrong with a config file, where it is, and what to do about it.
 *
 * @param file    the file as the operator named it (not made absolute, so messages echo what was typed)
 * @param line    1-based line; 0 when the error is about the file as a whole (missing, unreadable)
 * @param column  1-based column, counted in characters; 0 with line 0
 * @param pointer where in the document, as a dotted path such as {@code services[0].servers[1].weight};
 *                empty for the document itself (a YAML syntax error, an empty file)
 * @param message what is wrong, in words an operator can act on
 */
public record ConfigError(Path file, int line, int column, String pointer, String message) {

  public boolean hasLocation() {
    return line > 0;
  }

  /** {@code FILE:LINE:COLUMN: POINTER: MESSAGE}, the form compilers use, so editors can jump to it. */
  @Override
  public String toString() {
    String where = hasLocation() ? file + ":" + line + ":" + column : file.toString();
    return where + ": " + (pointer.isEmpty() ? "" : pointer + ": ") + message;
  }
}
