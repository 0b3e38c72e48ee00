package io.evedge.agent.record;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.StandardOpenOption;
import org.tinylog.Logger;

/** Durable file operations: what is written here survives a power cut once the call returns. */
public final class Fsync {

  private Fsync() {}

  /** Syncs a directory, so a file created, renamed or deleted in it survives a power cut. */
  public static void directory(Path dir) {
    try (FileChannel ch = FileChannel.open(dir, StandardOpenOption.READ)) {
      ch.force(true);
    } catch (IOException e) {
      // some file systems cannot open or sync a directory; the file's own sync still holds
      Logger.debug("Cannot sync directory {}: {}", dir, e.getMessage());
    }
  }

  /** Replaces {@code file} with {@code data} atomically: a temporary file, synced, renamed over it. */
  public static void replace(Path file, byte[] data) throws IOException {
    Path tmp = file.resolveSibling(file.getFileName() + ".tmp");
    try (FileChannel ch = FileChannel.open(tmp, StandardOpenOption.CREATE, StandardOpenOption.WRITE,
        StandardOpenOption.TRUNCATE_EXISTING)) {
      ByteBuffer b = ByteBuffer.wrap(data);
      while (b.hasRemaining()) {
        ch.write(b);
      }
      ch.force(true);
    }
    Files.move(tmp, file, StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
    directory(file.getParent());
  }
}
