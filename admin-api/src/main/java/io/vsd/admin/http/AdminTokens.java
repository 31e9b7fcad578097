package io.vsd.admin.http;

import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.security.SecureRandom;
import java.util.ArrayList;
import java.util.Base64;
import java.util.List;
import java.util.regex.Pattern;

/**
 * The bearer tokens the admin API accepts, each with its role. Only SHA-256 digests of the tokens are kept, and
 * a presented token is compared against every one of them with {@link MessageDigest#isEqual}: digests have one
 * length, so neither a token's bytes nor its length can be told from the time an answer takes.
 */
public final class AdminTokens {
  /** RFC 6750's b64token; at least 16 characters, so that a short guessable word is refused. */
  private static final Pattern SYNTAX = Pattern.compile("[A-Za-z0-9._~+/-]+=*");
  public static final int MIN_LENGTH = 16;
  public static final int MAX_LENGTH = 512;

  private record Entry(byte[] digest, Role role) {}

  private final List<Entry> entries;

  private AdminTokens(List<Entry> entries) {
    this.entries = List.copyOf(entries);
  }

  /** One token and its role. The token never shows in {@link #toString()}, so it cannot leak into a log. */
  public record Token(String value, Role role) {
    public Token {
      String problem = problem(value);
      if (problem != null) {
        throw new IllegalArgumentException(problem);
      }
      if (role == null) {
        throw new IllegalArgumentException("a token needs a role");
      }
    }

    @Override
    public String toString() {
      return "Token[" + role.text() + ", " + value.length() + " characters]";
    }
  }

  /**
   * @throws IllegalArgumentException when {@code tokens} is empty: an admin API without a token would be open
   */
  public static AdminTokens of(List<Token> tokens) {
    if (tokens.isEmpty()) {
      throw new IllegalArgumentException("the admin API needs at least one token");
    }
    List<Entry> entries = new ArrayList<>();
    for (Token t : tokens) {
      entries.add(new Entry(digest(t.value()), t.role()));
    }
    return new AdminTokens(entries);
  }

  /** What is wrong with a token as an operator wrote it; null when it is a valid token. */
  public static String problem(String token) {
    if (token == null || token.isEmpty()) {
      return "a token must not be empty";
    }
    if (token.length() < MIN_LENGTH) {
      return "a token must be at least " + MIN_LENGTH + " characters long (bin/vsd generates 43), got "
          + token.length();
    }
    if (token.length() > MAX_LENGTH) {
      return "a token must be at most " + MAX_LENGTH + " characters long, got " + token.length();
    }
    if (!SYNTAX.matcher(token).matches()) {
      return "a token may hold only letters, digits and - . _ ~ + / (then = at its end), as a Bearer token does";
    }
    return null;
  }

  /** A new admin token: 32 random bytes (256 bits) from the system's strong source, base64url, 43 characters. */
  public static String generate() {
    byte[] bytes = new byte[32];
    new SecureRandom().nextBytes(bytes);
    return Base64.getUrlEncoder().withoutPadding().encodeToString(bytes);
  }

  /**
   * The role of a presented token, or null when it is none of ours. Every entry is compared, whatever matched,
   * so the time taken does not say which entry (or whether any) matched.
   */
  Role roleOf(String presented) {
    byte[] d = digest(presented);
    Role found = null;
    for (Entry e : entries) {
      if (MessageDigest.isEqual(d, e.digest()) && found == null) {
        found = e.role();
      }
    }
    return found;
  }

  private static byte[] digest(String token) {
    try {
      return MessageDigest.getInstance("SHA-256").digest(token.getBytes(StandardCharsets.UTF_8));
    } catch (NoSuchAlgorithmException e) {
      throw new IllegalStateException("every JDK has SHA-256", e);
    }
  }
}
