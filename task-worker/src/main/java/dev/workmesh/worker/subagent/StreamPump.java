package dev.workmesh.worker.subagent;

import java.io.IOException;
import java.io.InputStream;
import java.util.concurrent.CompletableFuture;

/** Copies a child's output pipe to a sink on a thread of its own ({@link SupervisionThreads}) until end of stream. */
final class StreamPump {

  interface Sink {
    void write(byte[] bytes, int offset, int length);
  }

  private StreamPump() {}

  /** Completes when the pipe reaches end of stream, i.e. every process holding it has exited. */
  static CompletableFuture<Void> start(String threadName, InputStream in, Sink sink) {
    CompletableFuture<Void> done = new CompletableFuture<>();
    SupervisionThreads.run(threadName, () -> {
      byte[] buffer = new byte[8192];
      try (in) {
        int n;
        while ((n = in.read(buffer)) != -1) {
          sink.write(buffer, 0, n);
        }
      } catch (IOException e) {
        // The pipe was closed under us; what was read is kept.
      } finally {
        done.complete(null);
      }
    });
    return done;
  }
}
