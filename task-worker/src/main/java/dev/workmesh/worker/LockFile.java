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
import java.util.function.Function;

/**
 * A file that one process at a time holds: an OS lock on it, held for as long as the holder runs, and the
 * holder's PID written in it so that a refused second process can name it. The kernel drops the lock when
 * the holder dies, however it dies, so a file left by a killed process is taken over by the next one. The
 * worker's data directory and the dev stack's data dir are each guarded by one.
 */
public final class LockFile implements AutoCloseable {

  private final FileChannel channel;
  private final FileLock lock;

  private LockFile(FileChannel channel, FileLock lock) {
    this.channel = channel;
    this.lock = lock;
  }

  /**
   * Takes {@code file}, creating it if needed.
   *
   * @param whenHeld the exception to throw when another process (or another holder in this JVM) has it,
   *     given the holder's PID as written in the file, empty when unknown
   */
  public static LockFile acquire(Path file, Function<String, RuntimeException> whenHeld) throws IOException {
    FileChannel channel =
        FileChannel.open(file, StandardOpenOption.CREATE, StandardOpenOption.READ, StandardOpenOption.WRITE);
    try {
      FileLock lock;
      try {
        lock = channel.tryLock();
      } catch (OverlappingFileLockException e) {
        lock = null; // held by this very JVM
      }
      if (lock == null) {
        throw whenHeld.apply(Files.readString(file, StandardCharsets.US_ASCII).strip());
      }
      channel.truncate(0);
      channel.write(ByteBuffer.wrap((ProcessHandle.current().pid() + "\n").getBytes(StandardCharsets.US_ASCII)), 0);
      channel.force(false);
      return new LockFile(channel, lock);
    } catch (IOException | RuntimeException e) {
      channel.close();
      throw e;
    }
  }

  /** Releases the file; it stays, empty, which tells a reader that nobody holds it. */
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
      try {
        channel.close();
      } catch (IOException ignored) {
        // nothing left to release
      }
    }
  }
}
