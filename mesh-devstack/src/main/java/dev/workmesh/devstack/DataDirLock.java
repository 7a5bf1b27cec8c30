package dev.workmesh.devstack;

import dev.workmesh.worker.LockFile;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;

/**
 * Makes a data dir belong to one mesh: {@value #FILE_NAME} in the data dir, a {@link LockFile} held for as
 * long as the mesh runs, with the holder's PID in it so that a refused second mesh can name it. A file left
 * by a killed mesh is taken over by the next one.
 */
final class DataDirLock implements AutoCloseable {

  static final String FILE_NAME = "mesh.lock";

  private final LockFile lock;

  private DataDirLock(LockFile lock) {
    this.lock = lock;
  }

  /**
   * Takes the data dir, creating it if needed.
   *
   * @throws DataDirInUseException when another mesh (another process, or another stack in this JVM) holds it
   */
  static DataDirLock acquire(Path dataDir) {
    Path file = dataDir.resolve(FILE_NAME);
    try {
      Files.createDirectories(dataDir);
      return new DataDirLock(LockFile.acquire(file,
          holder -> new DataDirInUseException(dataDir, holder.isEmpty() ? "unknown" : holder)));
    } catch (IOException e) {
      throw new UncheckedIOException("cannot lock the data dir " + dataDir + " (" + file + "): " + e.getMessage()
          + " (choose another with --data-dir)", e);
    }
  }

  /** The lock file itself, which a {@code --fresh} wipe keeps. */
  static boolean isLockFile(Path dataDir, Path p) {
    return p.equals(dataDir.resolve(FILE_NAME));
  }

  /** Releases the data dir; the file stays (an empty PID line tells a reader nobody holds it). */
  @Override
  public void close() {
    lock.close();
  }
}
