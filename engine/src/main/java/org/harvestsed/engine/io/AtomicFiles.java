package org.harvestsed.engine.io;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.attribute.PosixFilePermissions;

/**
 * Output files are written to a temp file beside the target and moved into place, so a crash or
 * an error never leaves half a file. Temp files are created private (0600); the result is made
 * readable like any other output (0644) where the file system has POSIX permissions.
 */
public final class AtomicFiles {
  private AtomicFiles() {}

  /** A temp file in the target's directory (created if needed). */
  public static Path tempFor(Path target) throws IOException {
    Path dir = target.toAbsolutePath().getParent();
    Files.createDirectories(dir);
    return Files.createTempFile(dir, "." + target.getFileName(), ".tmp");
  }

  /** Moves {@code tmp} onto {@code target} atomically and makes it world-readable. */
  public static void commit(Path tmp, Path target) throws IOException {
    try {
      Files.setPosixFilePermissions(tmp, PosixFilePermissions.fromString("rw-r--r--"));
    } catch (UnsupportedOperationException e) {
      // not a POSIX file system: keep the default permissions
    }
    Files.move(tmp, target, StandardCopyOption.REPLACE_EXISTING, StandardCopyOption.ATOMIC_MOVE);
  }

  /** Writes {@code text} to {@code target} atomically. */
  public static void writeString(Path target, String text) throws IOException {
    Path tmp = tempFor(target);
    try {
      Files.writeString(tmp, text);
      commit(tmp, target);
    } finally {
      Files.deleteIfExists(tmp);
    }
  }
}
