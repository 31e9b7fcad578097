package io.vsd.director.config;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.vsd.admin.http.AdminTokens;
import io.vsd.admin.http.Role;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** The {@code auth:} section, the environment's tokens, and the admin API's default address. */
class AuthConfigTest {
  private static final Path FILE = Path.of("vsd.yaml");
  private static final String ADMIN = "a".repeat(20);
  private static final String READER = "r".repeat(20);

  private static DirectorConfig load(String yaml) throws ConfigException {
    return ConfigLoader.load(FILE, yaml.getBytes(StandardCharsets.UTF_8));
  }

  private static List<String> errors(String yaml) {
    ConfigException e = assertThrows(ConfigException.class, () -> load(yaml));
    return e.errors().stream().map(ConfigError::toString).toList();
  }

  @Test
  void tokensAndRolesAreRead() throws Exception {
    AuthSettings auth = load("""
        auth:
          tokens:
            - {role: admin, token: %s}
            - role: read-only
              token: "%s"
        """.formatted(ADMIN, READER)).auth();
    assertEquals(List.of(new AdminTokens.Token(ADMIN, Role.ADMIN), new AdminTokens.Token(READER, Role.READ_ONLY)),
        auth.tokens());
    assertEquals(Path.of("/var/lib/vsd/admin.token"), auth.tokenFile(Path.of("/var/lib/vsd")));
  }

  @Test
  void withoutAnAuthSectionNoTokenIsConfiguredAndTheAdminApiIsOnLoopback() throws Exception {
    DirectorConfig c = load("services: []\n");
    assertTrue(c.auth().tokens().isEmpty());
    assertEquals(new ListenAddress("127.0.0.1", 9900), c.admin());
    assertEquals(new ListenAddress("127.0.0.1", 9900), DirectorConfig.defaults().admin());
  }

  @Test
  void everyErrorWithItsLocationAndNeverTheTokenItself() {
    List<String> errors = errors("""
        auth:
          tokens:
            - {role: root, token: %s}
            - {role: admin, token: short-secret}
            - {role: read-only, token: "has spaces in it, which a header cannot carry"}
            - {role: admin, token: %s}
            - {role: admin, token: 12345678901234567890}
            - {role: admin, token: %s, name: ops}
          users: []
        """.formatted(ADMIN, ADMIN, READER));
    assertEquals(List.of(
        "vsd.yaml:3:8: auth.tokens[0].role: role must be admin or read-only, got \"root\"",
        "vsd.yaml:4:21: auth.tokens[1].token: a token must be at least 16 characters long (bin/vsd generates 43), got 12",
        "vsd.yaml:5:25: auth.tokens[2].token: a token may hold only letters, digits and - . _ ~ + / (then = at its "
            + "end), as a Bearer token does",
        "vsd.yaml:6:21: auth.tokens[3].token: the same token is listed twice",
        "vsd.yaml:7:21: auth.tokens[4].token: a token must be a string (quote it)",
        "vsd.yaml:8:50: auth.tokens[5].name: unknown field \"name\"; expected one of: role, token",
        "vsd.yaml:9:3: auth.users: unknown field \"users\"; expected one of: tokens"), errors);
    assertFalse(errors.stream().anyMatch(e -> e.contains(ADMIN) || e.contains("short-secret")), "no secret echoed");
  }

  @Test
  void anAuthSectionWithoutTokensIsAnError() {
    assertEquals(List.of("vsd.yaml:2:3: auth.tokens: tokens must be a list of at least one {role, token}, got a list"),
        errors("auth:\n  tokens: []\n"));
  }

  @Test
  void theEnvironmentAddsTokens() throws Exception {
    AuthSettings auth = load("auth: {tokens: [{role: admin, token: %s}]}\n".formatted(ADMIN)).auth()
        .withEnvironment(Map.of(AuthSettings.ENV_READ_ONLY, READER, AuthSettings.ENV_ADMIN, ADMIN));
    assertEquals(List.of(new AdminTokens.Token(ADMIN, Role.ADMIN), new AdminTokens.Token(READER, Role.READ_ONLY)),
        auth.tokens());
    IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
        () -> AuthSettings.NONE.withEnvironment(Map.of(AuthSettings.ENV_ADMIN, "abc")));
    assertEquals("$VSD_ADMIN_TOKEN: a token must be at least 16 characters long (bin/vsd generates 43), got 3",
        e.getMessage());
    e = assertThrows(IllegalArgumentException.class, () -> load("auth: {tokens: [{role: admin, token: %s}]}\n"
        .formatted(ADMIN)).auth().withEnvironment(Map.of(AuthSettings.ENV_READ_ONLY, ADMIN)));
    assertEquals("$VSD_READONLY_TOKEN: the same token is also given as admin", e.getMessage());
  }
}
