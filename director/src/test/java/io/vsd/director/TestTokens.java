package io.vsd.director;

import io.vsd.admin.http.AdminTokens;
import io.vsd.admin.http.Role;
import io.vsd.director.config.AuthSettings;
import java.util.List;
import java.util.Map;

/** The admin API tokens every test director runs with, and that every test client sends. */
public final class TestTokens {
  private TestTokens() {}

  public static final String ADMIN = "test-admin-token-0123456789abcdef";
  public static final String READ_ONLY = "test-read-only-token-0123456789ab";

  /** For a director started in this JVM. */
  public static AuthSettings settings() {
    return new AuthSettings(List.of(new AdminTokens.Token(ADMIN, Role.ADMIN),
        new AdminTokens.Token(READ_ONLY, Role.READ_ONLY)), null);
  }

  /** For a director started as a process: its environment. */
  public static Map<String, String> directorEnv() {
    return Map.of(AuthSettings.ENV_ADMIN, ADMIN, AuthSettings.ENV_READ_ONLY, READ_ONLY);
  }

  /** For vsadm started as a process: its environment. */
  public static Map<String, String> vsadmEnv() {
    return Map.of("VSD_TOKEN", ADMIN);
  }

  public static String bearer() {
    return "Bearer " + ADMIN;
  }
}
