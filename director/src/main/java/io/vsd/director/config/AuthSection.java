package io.vsd.director.config;

import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import io.vsd.admin.http.AdminTokens;
import io.vsd.admin.http.Role;
import io.vsd.services.model.Problem;
import java.util.ArrayList;
import java.util.List;

/**
 * The {@code auth:} mapping: the admin API's bearer tokens and their roles.
 * <pre>
 * auth:
 *   tokens:
 *     - {role: admin, token: ...}
 *     - {role: read-only, token: ...}
 * </pre>
 */
final class AuthSection {
  private AuthSection() {}

  static final List<String> KEYS = List.of("tokens");
  static final List<String> TOKEN_KEYS = List.of("token", "role");

  static AuthSettings parse(Object value, String at, List<Problem> problems) {
    if (value == null) {
      return AuthSettings.NONE;
    }
    if (!(value instanceof JsonObject json)) {
      problems.add(new Problem(at, "auth must be a mapping with tokens, got " + Checks.describe(value)));
      return AuthSettings.NONE;
    }
    Checks.knownKeys(json, at, KEYS, problems);
    Object list = json.getValue("tokens");
    // An auth section that lists no token is a mistake to point out, not a reason to generate one unasked.
    if (!(list instanceof JsonArray tokens) || tokens.isEmpty()) {
      problems.add(new Problem(at + "/tokens", "tokens must be a list of at least one {role, token}, got "
          + Checks.describe(list)));
      return AuthSettings.NONE;
    }
    List<AdminTokens.Token> parsed = new ArrayList<>();
    java.util.Set<String> seen = new java.util.HashSet<>();
    for (int i = 0; i < tokens.size(); i++) {
      String p = at + "/tokens/" + i;
      if (!(tokens.getValue(i) instanceof JsonObject t)) {
        problems.add(new Problem(p, "a token must be a mapping {role, token}, got " + Checks.describe(tokens.getValue(i))));
        continue;
      }
      Checks.knownKeys(t, p, TOKEN_KEYS, problems);
      Object r = t.getValue("role");
      Role role = r instanceof String s ? Role.parse(s) : null;
      if (role == null) {
        problems.add(new Problem(p + "/role", "role must be admin or read-only, got " + Checks.describe(r)));
      }
      Object v = t.getValue("token");
      // The value itself is never echoed: it is a secret.
      String problem = v instanceof String s ? AdminTokens.problem(s)
          : "a token must be a string" + (v == null ? "" : " (quote it)");
      if (problem != null) {
        problems.add(new Problem(p + "/token", problem));
      } else if (!seen.add((String) v)) {
        problems.add(new Problem(p + "/token", "the same token is listed twice"));
      } else if (role != null) {
        parsed.add(new AdminTokens.Token((String) v, role));
      }
    }
    return new AuthSettings(parsed, null);
  }
}
