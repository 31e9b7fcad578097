package io.vsd.director.config;

import io.vsd.services.model.Problem;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.Map;

/**
 * Where each node of the document came from, by JSON pointer, so that a {@link Problem} reported against
 * the JSON tree (by ServiceJson, say) can be shown at its line and column in the file.
 *
 * <p>Pointers are built as ServiceJson builds them: segments joined with "/", keys not escaped. A mapping
 * member is marked at its key, a list item at its first character.
 */
final class SourceMap {
  /** A place in the file, and the dotted path of the node found there. */
  record Mark(int line, int column, String path) {}

  private final Map<String, Mark> marks = new HashMap<>();

  void put(String pointer, int line, int column, String path) {
    marks.put(pointer, new Mark(line, column, path));
  }

  /**
   * The mark of {@code pointer}. A pointer to something absent ("address is missing") gets the mark of its
   * nearest present parent, with the dotted path of the pointer itself.
   */
  Mark locate(String pointer) {
    String p = pointer;
    Mark base = marks.get(p);
    while (base == null && !p.isEmpty()) {
      int slash = p.lastIndexOf('/');
      p = slash < 0 ? "" : p.substring(0, slash);
      base = marks.get(p);
    }
    if (base == null) {
      base = new Mark(1, 1, "");
    }
    String path = base.path();
    for (String segment : pointer.substring(p.length()).split("/")) {
      if (!segment.isEmpty()) {
        path = segment.chars().allMatch(Character::isDigit) ? path + "[" + segment + "]"
            : key(path, segment);
      }
    }
    return new Mark(base.line(), base.column(), path);
  }

  ConfigError error(Path file, Problem problem) {
    Mark m = locate(problem.pointer());
    return new ConfigError(file, m.line(), m.column(), m.path(), problem.detail());
  }

  /** {@code services[0]} + weight = {@code services[0].weight}. */
  static String key(String path, String key) {
    return path.isEmpty() ? key : path + "." + key;
  }

  static String index(String path, int index) {
    return path + "[" + index + "]";
  }
}
