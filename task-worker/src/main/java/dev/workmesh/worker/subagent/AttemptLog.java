package dev.workmesh.worker.subagent;

import java.io.Closeable;
import java.io.IOException;
import java.nio.file.Path;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Where a subagent's stdout and stderr go: a rotated {@code attempt.log} and an in-memory tail. A
 * failing disk stops the file, never the draining of the pipes, so the subagent cannot block on a
 * full pipe.
 */
final class AttemptLog implements Closeable {

  private static final Logger log = LoggerFactory.getLogger(AttemptLog.class);

  private final Path path;
  private final TailBuffer tail;
  private RotatingLogFile file;

  AttemptLog(Path path, long maxBytes, int keep, int tailBytes) throws IOException {
    this.path = path;
    this.tail = new TailBuffer(tailBytes);
    this.file = new RotatingLogFile(path, maxBytes, keep);
  }

  synchronized void write(byte[] bytes, int offset, int length) {
    tail.write(bytes, offset, length);
    if (file == null) {
      return;
    }
    try {
      file.write(bytes, offset, length);
    } catch (IOException e) {
      log.error("Writing {} failed; the rest of this attempt's output is kept only in its tail", path, e);
      closeFile();
    }
  }

  synchronized String tail() {
    return tail.text();
  }

  @Override
  public synchronized void close() {
    closeFile();
  }

  private void closeFile() {
    if (file != null) {
      try {
        file.close();
      } catch (IOException e) {
        log.warn("Closing {} failed: {}", path, e.toString());
      }
      file = null;
    }
  }
}
