package io.vsd.director.config;

import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import io.vsd.services.model.Endpoint;
import io.vsd.services.model.Problem;
import io.vsd.services.model.Protocol;
import io.vsd.services.model.ServiceJson;
import io.vsd.services.model.ServiceKey;
import io.vsd.services.model.VirtualService;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.CharBuffer;
import java.nio.charset.CoderResult;
import java.nio.charset.CharsetDecoder;
import java.nio.charset.CodingErrorAction;
import java.nio.charset.StandardCharsets;
import java.nio.file.AccessDeniedException;
import java.nio.file.FileSystemException;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashMap;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * Loads and validates a config file (docs/configuration.md). Every error is collected, with its line and
 * column, before anything is refused: an operator fixes a file in one pass, not one error per run.
 */
public final class ConfigLoader {
  private ConfigLoader() {}

  static final List<String> TOP_KEYS = List.of("director", "cluster", "auth", "services", "timeouts");

  /**
   * What the admin API reports but nobody sets. ServiceJson lets them through, so that a service read from
   * the API can be sent back; a config file holding them is a mistake to point out.
   */
  private static final Set<String> SERVICE_READ_ONLY = Set.of("version", "stats", "health");
  private static final Set<String> SERVER_READ_ONLY = Set.of("activeConns", "inactConns", "health");

  /**
   * @throws ConfigException with every error found: the file is missing or unreadable, is not YAML, or
   *     holds invalid settings
   */
  public static DirectorConfig load(Path file) throws ConfigException {
    byte[] bytes;
    try {
      bytes = Files.readAllBytes(file);
    } catch (NoSuchFileException e) {
      throw fileError(file, "no such file");
    } catch (AccessDeniedException e) {
      throw fileError(file, "permission denied");
    } catch (IOException e) {
      String reason = e instanceof FileSystemException f && f.getReason() != null ? f.getReason() : e.getMessage();
      throw fileError(file, Files.isDirectory(file) ? "is a directory, not a file" : "cannot read: " + reason);
    }
    return load(file, bytes);
  }

  /**
   * {@link #load(Path)} of bytes already read (or made, as by the keepalived import); {@code file} is only used in
   * messages and for state-dir.
   */
  public static DirectorConfig load(Path file, byte[] bytes) throws ConfigException {
    List<ConfigError> errors = new ArrayList<>();
    String text = decode(file, bytes, errors);
    YamlTree tree = new YamlTree(file, errors);
    JsonObject root = text == null ? null : tree.read(text);
    if (root == null) {
      throw failed(file, errors);
    }
    SourceMap sources = tree.sources();
    List<Problem> problems = new ArrayList<>();
    Checks.knownKeys(root, "", TOP_KEYS, problems);
    Path baseDir = file.toAbsolutePath().getParent();
    DirectorSection.Settings director = DirectorSection.parse(root.getValue("director"), "/director", baseDir, problems);
    io.vsd.eventbus.cluster.ClusterSettings cluster = ClusterSection.parse(root.getValue("cluster"), "/cluster", problems);
    AuthSettings auth = AuthSection.parse(root.getValue("auth"), "/auth", problems);
    List<VirtualService> services = services(root.getValue("services"), sources, problems);
    io.vsd.services.model.Timeouts timeouts = root.getValue("timeouts") == null ? io.vsd.services.model.Timeouts.DEFAULT
        : io.vsd.services.model.Timeouts.parseConfig(root.getValue("timeouts"), "/timeouts", problems);
    problems.forEach(p -> errors.add(sources.error(file, p)));
    if (!errors.isEmpty()) {
      throw failed(file, errors);
    }
    return new DirectorConfig(director.id(), director.admin(), director.stateDir(), director.drainTimeout(),
        director.connectTimeout(), director.connectRetries(), director.execChecks(), director.splice(), services,
        sha256(bytes), cluster, auth, timeouts, director.udpSessions());
  }

  private static List<VirtualService> services(Object value, SourceMap sources, List<Problem> problems) {
    List<VirtualService> services = new ArrayList<>();
    if (value == null) {
      return services;
    }
    if (!(value instanceof JsonArray list)) {
      problems.add(new Problem("/services", "services must be a list of virtual services, got "
          + Checks.describe(value)));
      return services;
    }
    // ServiceTable.of would refuse a duplicate too, but only the first one, and without saying where.
    Map<ServiceKey, Integer> firstLine = new HashMap<>();
    for (int i = 0; i < list.size(); i++) {
      String at = "/services/" + i;
      readOnly(list.getValue(i), at, SERVICE_READ_ONLY, problems);
      if (list.getValue(i) instanceof JsonObject json && json.getValue("servers") instanceof JsonArray servers) {
        for (int j = 0; j < servers.size(); j++) {
          readOnly(servers.getValue(j), at + "/servers/" + j, SERVER_READ_ONLY, problems);
        }
      }
      VirtualService service = ServiceJson.parseService(list.getValue(i), at, true, problems);
      // Keyed apart from the full parse, so a duplicate is found even when either copy has other errors.
      ServiceKey key = service != null ? service.key() : key(list.getValue(i));
      Integer first = key == null ? null : firstLine.putIfAbsent(key, sources.locate(at + "/address").line());
      if (first != null) {
        problems.add(new Problem(at + "/address", "duplicate virtual service " + key + " (first at line " + first + ")"));
      } else if (service != null) {
        services.add(service);
      }
    }
    return services;
  }

  /** The protocol and address of a service with errors, when those two are valid; null otherwise. */
  private static ServiceKey key(Object service) {
    if (service instanceof JsonObject json && json.getValue("address") instanceof String address) {
      try {
        Object p = json.getValue("protocol");
        return new ServiceKey(p == null ? Protocol.TCP : Protocol.parse(String.valueOf(p)), Endpoint.parse(address, 0));
      } catch (IllegalArgumentException invalid) {
        // ServiceJson has said what is wrong with it.
      }
    }
    return null;
  }

  private static void readOnly(Object value, String at, Set<String> keys, List<Problem> problems) {
    if (value instanceof JsonObject json) {
      for (String key : json.fieldNames()) {
        if (keys.contains(key)) {
          problems.add(new Problem(at + "/" + key,
              "\"" + key + "\" is read-only (the admin API reports it) and cannot be set in a config file"));
        }
      }
    }
  }

  /** Strict UTF-8: a stray Latin-1 byte is reported where it is, not read as a replacement character. */
  private static String decode(Path file, byte[] bytes, List<ConfigError> errors) {
    CharsetDecoder decoder = StandardCharsets.UTF_8.newDecoder()
        .onMalformedInput(CodingErrorAction.REPORT)
        .onUnmappableCharacter(CodingErrorAction.REPORT);
    ByteBuffer in = ByteBuffer.wrap(bytes);
    CharBuffer out = CharBuffer.allocate(bytes.length + 1); // UTF-8 never gives more chars than bytes
    CoderResult result = decoder.decode(in, out, true);
    if (!result.isError()) {
      result = decoder.flush(out);
    }
    if (result.isError()) {
      int bad = Math.min(in.position(), bytes.length - 1);
      int lineStart = 0;
      int line = 1;
      for (int i = 0; i < bad; i++) {
        if (bytes[i] == '\n') {
          line++;
          lineStart = i + 1;
        }
      }
      String before = new String(bytes, lineStart, bad - lineStart, StandardCharsets.UTF_8);
      errors.add(new ConfigError(file, line, before.codePointCount(0, before.length()) + 1, "",
          "the file is not valid UTF-8 (byte 0x" + Integer.toHexString(bytes[bad] & 0xff) + ")"));
      return null;
    }
    String text = out.flip().toString();
    return text.startsWith("\uFEFF") ? text.substring(1) : text;
  }

  static String sha256(byte[] bytes) {
    try {
      return HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256").digest(bytes));
    } catch (NoSuchAlgorithmException e) {
      throw new IllegalStateException("every JDK has SHA-256", e);
    }
  }

  private static ConfigException fileError(Path file, String message) {
    return new ConfigException(file, List.of(new ConfigError(file, 0, 0, "", message)));
  }

  private static ConfigException failed(Path file, List<ConfigError> errors) {
    List<ConfigError> sorted = new ArrayList<>(errors);
    sorted.sort(Comparator.comparingInt(ConfigError::line).thenComparingInt(ConfigError::column));
    return new ConfigException(file, sorted);
  }
}
