package dev.workmesh.worker;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.channels.FileLock;
import java.nio.channels.OverlappingFileLockException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;

/**
 * One worker per data directory: {@code <data-dir>/worker.lock}, locked (an OS file lock, released by
 * the kernel when the process dies) for as long as the worker runs, and holding its pid. A second
 * worker on the same directory would take the first one's running attempts for leftovers of a crash
 * and kill them.
 */
final class DataDirLock implements AutoCloseable {

  private final FileChannel channel;
  private final FileLock lock;

  private DataDirLock(FileChannel channel, FileLock lock) {
    this.channel = channel;
    this.lock = lock;
  }

  /** @throws IllegalStateException when another worker holds the directory, naming its pid */
  static DataDirLock acquire(Path dataDir) {
    Path file = dataDir.resolve("worker.lock");
    FileChannel channel = null;
    try {
      channel = FileChannel.open(file, StandardOpenOption.CREATE, StandardOpenOption.READ, StandardOpenOption.WRITE);
      FileLock lock;
      try {
        lock = channel.tryLock();
      } catch (OverlappingFileLockException e) {
        lock = null; // held by another worker in this JVM
      }
      if (lock == null) {
        String holder = Files.readString(file, StandardCharsets.US_ASCII).strip();
        channel.close();
        throw new IllegalStateException(
            "task-worker.data-dir " + dataDir + " is in use by another worker" + (holder.isEmpty() ? "" : " (pid " + holder + ")")
                + "; give each worker a data directory of its own");
      }
      channel.truncate(0);
      channel.write(ByteBuffer.wrap((ProcessHandle.current().pid() + "\n").getBytes(StandardCharsets.US_ASCII)), 0);
      return new DataDirLock(channel, lock);
    } catch (IOException e) {
      if (channel != null) {
        try {
          channel.close();
        } catch (IOException ignored) {
          // the lock goes with the channel
        }
      }
      throw new IllegalStateException("cannot lock " + file + ": " + e.getMessage(), e);
    }
  }

  @Override
  public void close() {
    try {
      lock.release();
      channel.close();
    } catch (IOException e) {
      // closing the channel releases the lock in any case
    }
  }
}
