package io.evedge.simulator;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Comparator;
import java.util.stream.Stream;
import org.tinylog.Logger;

/** Removing the temporary directories the simulator's commands make, once they are done with them. */
public final class TempDirs {

  private TempDirs() {}

  /** Deletes {@code dir} and everything under it; best effort: what cannot be removed is logged. */
  public static void delete(Path dir) {
    if (dir == null || !Files.exists(dir)) {
      return;
    }
    try (Stream<Path> walk = Files.walk(dir)) {
      walk.sorted(Comparator.reverseOrder()).forEach(p -> {
        try {
          Files.deleteIfExists(p);
        } catch (IOException e) {
          Logger.debug("Cannot remove {}: {}", p, e.getMessage());
        }
      });
    } catch (IOException e) {
      Logger.debug("Cannot remove {}: {}", dir, e.getMessage());
    }
  }
}
