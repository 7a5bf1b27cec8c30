package dev.workmesh.devstack;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.channels.FileLock;
import java.nio.channels.OverlappingFileLockException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;

/**
 * Makes a data dir belong to one mesh: an OS lock on {@value #FILE_NAME} in the data dir, held for as long as
 * the mesh runs, and the holder's PID written in that file so that a refused second mesh can name it. The
 * kernel drops the lock when the holder dies, however it dies, so a stale file left by a killed mesh is taken
 * over by the next one.
 */
final class DataDirLock implements AutoCloseable {

  static final String FILE_NAME = "mesh.lock";

  private final FileChannel channel;
  private final FileLock lock;

  private DataDirLock(FileChannel channel, FileLock lock) {
    this.channel = channel;
    this.lock = lock;
  }

  /**
   * Takes the data dir, creating it if needed.
   *
   * @throws DataDirInUseException when another mesh (another process, or another stack in this JVM) holds it
   */
  static DataDirLock acquire(Path dataDir) {
    Path file = dataDir.resolve(FILE_NAME);
    FileChannel channel = null;
    try {
      Files.createDirectories(dataDir);
      channel = FileChannel.open(file, StandardOpenOption.CREATE, StandardOpenOption.READ, StandardOpenOption.WRITE);
      FileLock lock;
      try {
        lock = channel.tryLock();
      } catch (OverlappingFileLockException e) {
        lock = null; // held by this very JVM
      }
      if (lock == null) {
        String holder = Files.readString(file, StandardCharsets.UTF_8).strip();
        channel.close();
        throw new DataDirInUseException(dataDir, holder.isEmpty() ? "unknown" : holder);
      }
      channel.truncate(0);
      channel.write(ByteBuffer.wrap((ProcessHandle.current().pid() + "\n").getBytes(StandardCharsets.UTF_8)), 0);
      channel.force(false);
      return new DataDirLock(channel, lock);
    } catch (IOException e) {
      closeQuietly(channel);
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
    try {
      if (channel.isOpen()) {
        channel.truncate(0);
        lock.release();
      }
    } catch (IOException e) {
      // the lock goes with the channel below
    } finally {
      closeQuietly(channel);
    }
  }

  private static void closeQuietly(FileChannel channel) {
    if (channel != null) {
      try {
        channel.close();
      } catch (IOException ignored) {
        // nothing left to release
      }
    }
  }
}
