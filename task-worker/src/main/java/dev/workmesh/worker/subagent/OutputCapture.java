package dev.workmesh.worker.subagent;

import java.io.ByteArrayOutputStream;
import java.nio.charset.StandardCharsets;

/** The first {@code maxBytes} of a stream, and how much was cut. Not thread-safe. */
final class OutputCapture {

  private final int maxBytes;
  private final ByteArrayOutputStream kept = new ByteArrayOutputStream();
  private long dropped;

  OutputCapture(int maxBytes) {
    this.maxBytes = maxBytes;
  }

  void write(byte[] bytes, int offset, int length) {
    int n = Math.min(length, maxBytes - kept.size());
    kept.write(bytes, offset, n);
    dropped += length - n;
  }

  /** What was kept, with a note when bytes were cut. */
  String text(String what) {
    String text = kept.toString(StandardCharsets.UTF_8);
    return dropped == 0
        ? text
        : text + "\n[workmesh: " + what + " truncated to its first " + maxBytes + " bytes; " + dropped + " more bytes dropped]";
  }
}
