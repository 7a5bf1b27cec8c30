package dev.workmesh.worker.subagent;

import java.io.Closeable;
import java.io.IOException;
import java.io.OutputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.StandardOpenOption;

/**
 * A log file that never grows past {@code maxBytes}: when full it becomes {@code <name>.1}, older
 * ones shift up to {@code <name>.<keep>}, and the oldest beyond that is deleted. Cuts by size, so a
 * line may continue in the next file. Not thread-safe.
 */
final class RotatingLogFile implements Closeable {

  private final Path file;
  private final long maxBytes;
  private final int keep;
  private OutputStream out;
  private long size;

  RotatingLogFile(Path file, long maxBytes, int keep) throws IOException {
    this.file = file;
    this.maxBytes = maxBytes;
    this.keep = keep;
    open();
  }

  void write(byte[] bytes, int offset, int length) throws IOException {
    while (length > 0) {
      if (size >= maxBytes) {
        rotate();
      }
      int n = (int) Math.min(length, maxBytes - size);
      out.write(bytes, offset, n);
      size += n;
      offset += n;
      length -= n;
    }
  }

  private void rotate() throws IOException {
    out.close();
    if (keep == 0) {
      Files.delete(file);
    } else {
      Files.deleteIfExists(numbered(keep));
      for (int i = keep - 1; i >= 1; i--) {
        if (Files.exists(numbered(i))) {
          Files.move(numbered(i), numbered(i + 1), StandardCopyOption.REPLACE_EXISTING);
        }
      }
      Files.move(file, numbered(1), StandardCopyOption.REPLACE_EXISTING);
    }
    open();
  }

  private void open() throws IOException {
    out = Files.newOutputStream(file, StandardOpenOption.CREATE, StandardOpenOption.APPEND);
    size = Files.size(file);
  }

  private Path numbered(int n) {
    return file.resolveSibling(file.getFileName() + "." + n);
  }

  @Override
  public void close() throws IOException {
    out.close();
  }
}
