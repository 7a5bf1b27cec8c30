package dev.workmesh.worker;

import java.io.IOException;
import java.nio.file.Path;

/**
 * One worker per data directory: {@code <data-dir>/worker.lock}, a {@link LockFile}. A second worker on
 * the same directory would take the first one's running attempts for leftovers of a crash and kill them.
 */
final class DataDirLock {

  private DataDirLock() {}

  /** @throws IllegalStateException when another worker holds the directory, naming its pid */
  static LockFile acquire(Path dataDir) {
    Path file = dataDir.resolve("worker.lock");
    try {
      return LockFile.acquire(file, holder -> new IllegalStateException(
          "task-worker.data-dir " + dataDir + " is in use by another worker" + (holder.isEmpty() ? "" : " (pid " + holder + ")")
              + "; give each worker a data directory of its own"));
    } catch (IOException e) {
      throw new IllegalStateException("cannot lock " + file + ": " + e.getMessage(), e);
    }
  }
}
