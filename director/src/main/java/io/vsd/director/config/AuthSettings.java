package io.vsd.director.config;

import io.vsd.admin.http.AdminTokens;
import io.vsd.admin.http.Role;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/**
 * The admin API's tokens (docs/configuration.md, {@code auth:}), from the config file and the environment.
 * With none, the director generates an admin token into {@code tokenFile} (default: {@code admin.token} in the
 * state dir) on its first start and reuses it later: the API is never open.
 *
 * @param tokens    the configured tokens, each with its role
 * @param tokenFile where a generated token lives; null for the state dir's {@link #TOKEN_FILE}
 */
public record AuthSettings(List<AdminTokens.Token> tokens, Path tokenFile) {
  /** The generated token's file name in the state dir; vsadm reads it from the default state dir. */
  public static final String TOKEN_FILE = "admin.token";
  public static final String ENV_ADMIN = "VSD_ADMIN_TOKEN";
  public static final String ENV_READ_ONLY = "VSD_READONLY_TOKEN";
  public static final AuthSettings NONE = new AuthSettings(List.of(), null);

  public AuthSettings {
    tokens = List.copyOf(tokens);
  }

  /** The generated token's file for a director whose state is in {@code stateDir}. */
  public Path tokenFile(Path stateDir) {
    return tokenFile != null ? tokenFile : stateDir.resolve(TOKEN_FILE);
  }

  public AuthSettings withTokenFile(Path file) {
    return new AuthSettings(tokens, file);
  }

  /**
   * These settings with the environment's {@code $VSD_ADMIN_TOKEN} and {@code $VSD_READONLY_TOKEN} added.
   *
   * @throws IllegalArgumentException naming the variable, when one holds no valid token or a token the file
   *     gives another role
   */
  public AuthSettings withEnvironment(Map<String, String> env) {
    List<AdminTokens.Token> all = new ArrayList<>(tokens);
    for (var e : List.of(Map.entry(ENV_ADMIN, Role.ADMIN), Map.entry(ENV_READ_ONLY, Role.READ_ONLY))) {
      String value = env.get(e.getKey());
      if (value == null) {
        continue;
      }
      String problem = AdminTokens.problem(value);
      if (problem != null) {
        throw new IllegalArgumentException("$" + e.getKey() + ": " + problem);
      }
      Role other = roleOf(all, value);
      if (other != null && other != e.getValue()) {
        throw new IllegalArgumentException("$" + e.getKey() + ": the same token is also given as " + other.text());
      }
      if (other == null) {
        all.add(new AdminTokens.Token(value, e.getValue()));
      }
    }
    return new AuthSettings(all, tokenFile);
  }

  static Role roleOf(List<AdminTokens.Token> tokens, String value) {
    for (AdminTokens.Token t : tokens) {
      if (t.value().equals(value)) {
        return t.role();
      }
    }
    return null;
  }
}
