package io.vsd.director.config;

import com.fasterxml.jackson.core.JsonLocation;
import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.core.JsonToken;
import com.fasterxml.jackson.dataformat.yaml.YAMLFactory;
import com.fasterxml.jackson.dataformat.yaml.YAMLParser;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * Reads YAML into the Vert.x JSON tree that {@code ServiceJson} validates (so the file, the admin API and the
 * state file share one set of rules), and marks in a {@link SourceMap} where every node came from.
 *
 * <p>The streaming parser is used, not a tree mapper, because a tree mapper keeps no locations. Values come
 * out as Vert.x's own JSON decoder gives them: Integer, Long or BigInteger for whole numbers, Double for the
 * rest, Boolean, null, String.
 */
final class YamlTree {

  private static final YAMLFactory FACTORY = YAMLFactory.builder()
      // YAML 1.1 reads yes/no/on/off as booleans (the "Norway problem"); here only true and false are, as in
      // YAML 1.2 and JSON. "on" stays a string, and a key that wants a boolean says so.
      .enable(YAMLParser.Feature.PARSE_BOOLEAN_LIKE_WORDS_AS_STRINGS)
      // "key:" with nothing after it is null in YAML, so the key takes its default; '' stays an empty string.
      .enable(YAMLParser.Feature.EMPTY_STRING_AS_NULL)
      // Duplicate keys are found below, not by the parser's STRICT_DUPLICATE_DETECTION: that stops at the
      // first one, and an operator wants every error of the file in one run.
      .build();

  private final Path file;
  private final List<ConfigError> errors;
  private final SourceMap sources = new SourceMap();
  private YAMLParser parser;

  /** Errors of the document's structure (syntax, duplicate keys) go to {@code errors}. */
  YamlTree(Path file, List<ConfigError> errors) {
    this.file = file;
    this.errors = errors;
  }

  SourceMap sources() {
    return sources;
  }

  /** The top-level mapping, or null when there is none to validate (the errors say why). */
  JsonObject read(String text) {
    try (YAMLParser p = (YAMLParser) FACTORY.createParser(text)) {
      parser = p;
      JsonToken first = parser.nextToken();
      if (first == null) {
        errors.add(new ConfigError(file, 1, 1, "",
            "the file holds no settings: expected a mapping with the keys director and services"));
        return null;
      }
      JsonLocation at = parser.currentTokenLocation();
      sources.put("", at.getLineNr(), at.getColumnNr(), "");
      Object root = value("", "", true);
      if (parser.nextToken() != null) {
        error(parser.currentTokenLocation(), "",
            "a config file holds one YAML document; remove the second one (from its ---)");
      }
      if (!(root instanceof JsonObject mapping)) {
        error(at, "", "the top level must be a mapping with the keys director and services, got "
            + Checks.describe(root));
        return null;
      }
      return mapping;
    } catch (JsonProcessingException e) {
      errors.add(syntaxError(e));
      return null;
    } catch (IOException e) {
      // The input is a String in memory: there is no I/O to fail.
      throw new UncheckedIOException(e);
    }
  }

  /** The value at the current token, with everything under it. Marks are only kept when {@code mark}. */
  private Object value(String pointer, String path, boolean mark) throws IOException {
    JsonToken token = parser.currentToken();
    return switch (token) {
      case START_OBJECT -> mapping(pointer, path, mark);
      case START_ARRAY -> sequence(pointer, path, mark);
      case VALUE_STRING -> {
        if (parser.isCurrentAlias()) {
          // Jackson hands an alias over as its anchor's name, which would be read as a value.
          error(parser.currentTokenLocation(), path,
              "YAML aliases (*" + parser.getText() + ") are not supported; write the value out");
        }
        yield parser.getText();
      }
      case VALUE_NUMBER_INT -> parser.getNumberValue();
      case VALUE_NUMBER_FLOAT -> {
        double d = parser.getDoubleValue();
        // 1e400 overflows to Infinity, which no check downstream expects; as text it is refused plainly.
        yield Double.isFinite(d) ? (Object) d : parser.getText();
      }
      case VALUE_TRUE -> Boolean.TRUE;
      case VALUE_FALSE -> Boolean.FALSE;
      case VALUE_NULL -> null;
      default -> {
        // !!binary and other tagged values that are no JSON value.
        error(parser.currentTokenLocation(), path, "this kind of YAML value is not supported here");
        yield null;
      }
    };
  }

  private JsonObject mapping(String pointer, String path, boolean mark) throws IOException {
    JsonObject json = new JsonObject();
    Map<String, Integer> firstLine = new HashMap<>();
    while (parser.nextToken() == JsonToken.FIELD_NAME) {
      String key = parser.currentName();
      JsonLocation at = parser.currentTokenLocation();
      // Not escaped (~1, ~0): ServiceJson does not escape the pointers it reports either.
      String childPointer = pointer + "/" + key;
      String childPath = SourceMap.key(path, key);
      Integer first = firstLine.putIfAbsent(key, at.getLineNr());
      if (first != null) {
        error(at, childPath, "duplicate key \"" + key + "\" (first at line " + first + ")");
      } else if (mark) {
        sources.put(childPointer, at.getLineNr(), at.getColumnNr(), childPath);
      }
      parser.nextToken();
      // The first occurrence wins; the duplicate is still read, for the errors inside it.
      Object v = value(childPointer, childPath, mark && first == null);
      if (first == null) {
        json.put(key, v);
      }
    }
    return json;
  }

  private JsonArray sequence(String pointer, String path, boolean mark) throws IOException {
    JsonArray json = new JsonArray();
    for (int i = 0; parser.nextToken() != JsonToken.END_ARRAY; i++) {
      String itemPointer = pointer + "/" + i;
      String itemPath = SourceMap.index(path, i);
      if (mark) {
        JsonLocation at = parser.currentTokenLocation();
        sources.put(itemPointer, at.getLineNr(), at.getColumnNr(), itemPath);
      }
      json.add(value(itemPointer, itemPath, mark));
    }
    return json;
  }

  private void error(JsonLocation at, String path, String message) {
    errors.add(new ConfigError(file, at.getLineNr(), at.getColumnNr(), path, message));
  }

  /**
   * SnakeYAML's own exception knows where the problem is; Jackson's location is only where its reader had
   * got to, often a line earlier. Its message spans several lines with a source excerpt; one line is kept.
   */
  private ConfigError syntaxError(JsonProcessingException e) {
    if (e.getCause() instanceof org.yaml.snakeyaml.error.MarkedYAMLException m && m.getProblemMark() != null) {
      String message = "YAML syntax error: " + oneLine(m.getProblem());
      if (m.getContext() != null && m.getContextMark() != null && !sameMark(m.getContextMark(), m.getProblemMark())) {
        message += " (" + oneLine(m.getContext()) + " at line " + (m.getContextMark().getLine() + 1)
            + ", column " + (m.getContextMark().getColumn() + 1) + ")";
      }
      return new ConfigError(file, m.getProblemMark().getLine() + 1, m.getProblemMark().getColumn() + 1, "", message);
    }
    String detail = e.getOriginalMessage();
    if (detail.startsWith("Expected a field name")) {
      // "? [a, b]": Jackson's words name a SnakeYAML event class.
      detail = "a mapping key must be a plain value, not a list or a mapping";
    }
    JsonLocation at = e.getLocation();
    int line = at == null || at.getLineNr() < 1 ? 1 : at.getLineNr();
    int column = at == null || at.getColumnNr() < 1 ? 1 : at.getColumnNr();
    return new ConfigError(file, line, column, "", "YAML syntax error: " + oneLine(detail));
  }

  private static boolean sameMark(org.yaml.snakeyaml.error.Mark a, org.yaml.snakeyaml.error.Mark b) {
    return a.getLine() == b.getLine() && a.getColumn() == b.getColumn();
  }

  private static String oneLine(String text) {
    return text.strip().replaceAll("\\s*\\n\\s*", " ");
  }
}
