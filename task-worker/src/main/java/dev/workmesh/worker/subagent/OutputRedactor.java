package dev.workmesh.worker.subagent;

import dev.workmesh.worker.secrets.KnownSecrets;
import java.io.ByteArrayOutputStream;
import java.nio.charset.StandardCharsets;
import java.util.Arrays;
import java.util.List;

/**
 * Masks known secret values in one output stream of a subagent before it reaches the attempt log (its file
 * and the tail shipped with heartbeats and reports). The stream arrives in chunks of whatever size the pipe
 * gave, so the end of a chunk that could be the start of a secret is held back until the next chunk shows
 * whether it is one; nothing else is delayed. One instance per stream: stdout and stderr interleave in the
 * log, and each is matched on its own.
 */
final class OutputRedactor implements StreamPump.Sink {

  /** What a secret value becomes in stored and shipped output. */
  static final String MASK = "[secret]";
  private static final byte[] MASK_BYTES = MASK.getBytes(StandardCharsets.UTF_8);

  private final KnownSecrets secrets;
  private final StreamPump.Sink out;
  private byte[] held = new byte[0];

  OutputRedactor(KnownSecrets secrets, StreamPump.Sink out) {
    this.secrets = secrets;
    this.out = out;
  }

  @Override
  public synchronized void write(byte[] bytes, int offset, int length) {
    byte[] text = new byte[held.length + length];
    System.arraycopy(held, 0, text, 0, held.length);
    System.arraycopy(bytes, offset, text, held.length, length);
    pass(text, false);
  }

  /** At the end of the stream: what was held back is masked where it holds a whole secret, and goes out. */
  synchronized void flush() {
    pass(held, true);
  }

  private void pass(byte[] text, boolean endOfStream) {
    List<byte[]> values = secrets.utf8LongestFirst();
    ByteArrayOutputStream masked = new ByteArrayOutputStream(text.length);
    int i = 0;
    scan:
    while (i < text.length) {
      boolean couldStartOne = false;
      int left = text.length - i;
      for (byte[] value : values) {
        if (left >= value.length) {
          if (Arrays.equals(text, i, i + value.length, value, 0, value.length)) {
            if (couldStartOne) {
              break scan; // a longer secret may start here: wait for the rest before masking a shorter one
            }
            masked.writeBytes(MASK_BYTES);
            i += value.length;
            continue scan;
          }
        } else if (!endOfStream && Arrays.equals(text, i, text.length, value, 0, left)) {
          couldStartOne = true;
        }
      }
      if (couldStartOne) {
        break;
      }
      masked.write(text[i++]);
    }
    held = Arrays.copyOfRange(text, i, text.length);
    if (masked.size() > 0) {
      out.write(masked.toByteArray(), 0, masked.size());
    }
  }
}
