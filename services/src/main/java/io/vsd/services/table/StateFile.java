package io.vsd.services.table;

import io.vertx.core.json.JsonObject;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.AtomicMoveNotSupportedException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.StandardOpenOption;
import java.util.Optional;

/**
 * The table in {@code <state-dir>/state.json}, written atomically: a temporary file in the same directory
 * is written and fsynced, then renamed over the old one, and the directory is fsynced. A crash leaves either
 * the old file or the new one, never a torn one.
 *
 * <p>The file also records a digest of the config file the director started with, so that the director can
 * tell an operator's edit of the config file from a restart with the same one.
 */
public final class StateFile implements TableStore {
  public static final String NAME = "state.json";

  private final Path dir;
  private final String configDigest;

  /**
   * What a state file held.
   *
   * @param history a clustered director's deletions ({@link ReplicatedTable#historyJson()}), or null
   */
  public record Saved(ServiceTable table, String configDigest, JsonObject history) {}

  public StateFile(Path dir, String configDigest) {
    this.dir = dir;
    this.configDigest = configDigest;
  }

  public Path path() {
    return dir.resolve(NAME);
  }

  public static Optional<Saved> load(Path dir) throws IOException {
    Path file = dir.resolve(NAME);
    if (!Files.exists(file)) {
      return Optional.empty();
    }
    JsonObject json;
    try {
      json = new JsonObject(Files.readString(file, StandardCharsets.UTF_8));
    } catch (RuntimeException e) {
      throw new IOException("state file " + file + " is not valid JSON: " + e.getMessage(), e);
    }
    try {
      Saved saved = new Saved(ServiceTable.fromJson(json), json.getString("configDigest"), json.getJsonObject("cluster"));
      if (saved.history() != null) {
        ReplicatedTable.fromJson(saved.table(), saved.history(), null, 0);
      }
      return Optional.of(saved);
    } catch (RuntimeException e) {
      throw new IOException("state file " + file + " holds an invalid table: " + e.getMessage(), e);
    }
  }

  @Override
  public void save(ServiceTable table) throws IOException {
    save(table, null);
  }

  /** {@inheritDoc} The history goes under "cluster". */
  @Override
  public void save(ServiceTable table, JsonObject history) throws IOException {
    Files.createDirectories(dir);
    JsonObject json = table.toJson().put("configDigest", configDigest).put("savedAt", System.currentTimeMillis());
    if (history != null) {
      json.put("cluster", history);
    }
    byte[] bytes = json.encodePrettily().getBytes(StandardCharsets.UTF_8);
    Path tmp = Files.createTempFile(dir, NAME, ".tmp");
    try {
      try (FileChannel ch = FileChannel.open(tmp, StandardOpenOption.WRITE, StandardOpenOption.TRUNCATE_EXISTING)) {
        ByteBuffer buf = ByteBuffer.wrap(bytes);
        while (buf.hasRemaining()) {
          ch.write(buf);
        }
        ch.force(true);
      }
      try {
        Files.move(tmp, path(), StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
      } catch (AtomicMoveNotSupportedException e) {
        throw new IOException("state dir " + dir + " does not support atomic renames", e);
      }
      try (FileChannel d = FileChannel.open(dir, StandardOpenOption.READ)) {
        d.force(true);
      } catch (IOException ignored) {
        // Some file systems cannot fsync a directory; the rename is still atomic.
      }
    } finally {
      Files.deleteIfExists(tmp);
    }
  }
}
