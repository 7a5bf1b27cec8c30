package dev.workmesh.worker.subagent;

import java.nio.charset.StandardCharsets;

/** The last {@code capacity} bytes written, as text. Not thread-safe. */
final class TailBuffer {

  private final byte[] ring;
  private long written;

  TailBuffer(int capacity) {
    this.ring = new byte[capacity];
  }

  void write(byte[] bytes, int offset, int length) {
    if (length >= ring.length) {
      offset += length - ring.length;
      written += length - ring.length;
      length = ring.length;
    }
    for (int i = 0; i < length; i++) {
      ring[(int) ((written + i) % ring.length)] = bytes[offset + i];
    }
    written += length;
  }

  /** The kept bytes as UTF-8, without a character cut in half at the start. */
  String text() {
    int size = (int) Math.min(written, ring.length);
    byte[] tail = new byte[size];
    long start = written - size;
    for (int i = 0; i < size; i++) {
      tail[i] = ring[(int) ((start + i) % ring.length)];
    }
    int skip = 0;
    while (start > 0 && skip < size && (tail[skip] & 0xC0) == 0x80) {
      skip++;
    }
    return new String(tail, skip, size - skip, StandardCharsets.UTF_8);
  }
}
