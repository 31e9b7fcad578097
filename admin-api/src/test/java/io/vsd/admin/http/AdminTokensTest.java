package io.vsd.admin.http;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;

import java.util.List;
import org.junit.jupiter.api.Test;

class AdminTokensTest {
  static final String ADMIN = "admin-token-0123456789";
  static final String READER = "reader-token-0123456789";

  @Test
  void eachTokenHasItsRoleAndAnythingElseNone() {
    AdminTokens tokens = AdminTokens.of(List.of(new AdminTokens.Token(ADMIN, Role.ADMIN),
        new AdminTokens.Token(READER, Role.READ_ONLY)));
    assertEquals(Role.ADMIN, tokens.roleOf(ADMIN));
    assertEquals(Role.READ_ONLY, tokens.roleOf(READER));
    assertNull(tokens.roleOf(ADMIN + "x"));
    assertNull(tokens.roleOf(ADMIN.substring(1)));
    assertNull(tokens.roleOf(""));
  }

  @Test
  void thereIsNoAdminApiWithoutAToken() {
    assertThrows(IllegalArgumentException.class, () -> AdminTokens.of(List.of()));
  }

  @Test
  void aTokenNeverShowsInALog() {
    assertFalse(new AdminTokens.Token(ADMIN, Role.ADMIN).toString().contains(ADMIN));
  }

  @Test
  void generatedTokensAreLongRandomAndValid() {
    String a = AdminTokens.generate();
    String b = AdminTokens.generate();
    assertEquals(43, a.length());
    assertNull(AdminTokens.problem(a));
    assertNotEquals(a, b);
  }

  @Test
  void weakOrMalformedTokensAreRefused() {
    assertEquals("a token must not be empty", AdminTokens.problem(""));
    assertEquals("a token must be at least 16 characters long (bin/vsd generates 43), got 6", AdminTokens.problem("secret"));
    assertEquals("a token may hold only letters, digits and - . _ ~ + / (then = at its end), as a Bearer token does",
        AdminTokens.problem("a token with spaces"));
    assertNull(AdminTokens.problem("abcdefghijklmnop+/=="));
  }
}
