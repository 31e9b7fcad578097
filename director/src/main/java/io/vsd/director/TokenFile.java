package io.vsd.director;

import io.vsd.admin.http.AdminTokens;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.FileAlreadyExistsException;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFileAttributeView;
import java.nio.file.attribute.PosixFilePermission;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.EnumSet;
import java.util.Set;

/**
 * The admin token a director generates when none is configured (docs/admin-api.md): created once, mode 0600,
 * and reused on every later start, so that vsadm on the same host (as the same user) keeps working.
 */
final class TokenFile {
  private TokenFile() {}

  /** The token, and whether this start created it. */
  record Loaded(String token, boolean created) {}

  private static final Set<PosixFilePermission> OWNER_ONLY = EnumSet.of(PosixFilePermission.OWNER_READ,
      PosixFilePermission.OWNER_WRITE);

  /**
   * Reads {@code file}, or creates it with a new token when there is none.
   *
   * @throws IOException with an operator's message: the file cannot be read or written, holds no valid token,
   *     or is open to other users
   */
  static Loaded loadOrCreate(Path file) throws IOException {
    try {
      return new Loaded(read(file), false);
    } catch (NoSuchFileException e) {
      // First start: create it below.
    }
    Files.createDirectories(file.toAbsolutePath().getParent());
    String token = AdminTokens.generate();
    // Written whole under another name with 0600 from the start, then linked in: the link fails when another
    // director sharing the state dir got there first, and no one ever reads a half-written token.
    Path tmp = Files.createTempFile(file.toAbsolutePath().getParent(), ".admin-token", ".tmp",
        PosixFilePermissions.asFileAttribute(OWNER_ONLY));
    try {
      Files.writeString(tmp, token + "\n", StandardCharsets.US_ASCII);
      try (var ch = java.nio.channels.FileChannel.open(tmp, java.nio.file.StandardOpenOption.WRITE)) {
        ch.force(true);
      }
      Files.createLink(file, tmp);
      return new Loaded(token, true);
    } catch (FileAlreadyExistsException raced) {
      return new Loaded(read(file), false);
    } finally {
      Files.deleteIfExists(tmp);
    }
  }

  private static String read(Path file) throws IOException {
    PosixFileAttributeView view = Files.getFileAttributeView(file, PosixFileAttributeView.class);
    if (view != null) {
      Set<PosixFilePermission> perms = view.readAttributes().permissions();
      if (!OWNER_ONLY.containsAll(perms)) {
        // As ssh does with a private key: a token others can read is no secret any more.
        throw new IOException(file + " is open to other users (" + PosixFilePermissions.toString(perms)
            + "): chmod 600 it, or delete it to have a new token generated");
      }
    }
    String token = Files.readString(file, StandardCharsets.US_ASCII).strip();
    String problem = AdminTokens.problem(token);
    if (problem != null) {
      throw new IOException(file + " holds no valid token (" + problem + "); delete it to have a new one generated");
    }
    return token;
  }
}
