package dev.workmesh.mcp.transport;

import java.io.BufferedReader;
import java.io.FilterInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.InputStreamReader;
import java.io.PipedInputStream;
import java.io.PipedOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.util.Optional;
import java.util.function.Consumer;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The process's standard streams in stdio mode, which belong to the MCP protocol and to nothing else.
 *
 * <ul>
 *   <li>{@link #claim()} keeps the real stdout for the transport and points {@code System.out} at stderr,
 *       so that logs, banners and any library that prints land on stderr and a stray line can never
 *       corrupt the JSON-RPC stream. Call it first thing.
 *   <li>{@link #protocolIn} hands the SDK only lines that are JSON-RPC messages it can read. The SDK's stdio
 *       transport stops reading for good at the first line it cannot parse (the process would then hang,
 *       deaf), and answers params of the wrong type with -32603 naming Jackson's classes; such a line is
 *       answered here instead, with the error {@link JsonRpcMessageCheck} gives (-32700, -32600 or -32602
 *       naming the field), and the session goes on.
 *   <li>The end of stdin (the client went away) releases {@link #awaitEndOfInput()}, and the process exits.
 * </ul>
 */
public final class StdioStreams {

  private static final Logger log = LoggerFactory.getLogger(StdioStreams.class);
  /** The SDK's own limit for one message on stdio. */
  static final int MAX_LINE = 16 * 1024 * 1024;

  private static PrintStream protocolOut;
  private static final CountDownLatch END_OF_INPUT = new CountDownLatch(1);

  private StdioStreams() {}

  /** Takes stdout for the protocol; idempotent. */
  public static synchronized void claim() {
    if (protocolOut == null) {
      protocolOut = System.out;
      System.setOut(System.err);
    }
  }

  /** The real stdout, for the transport only. */
  static synchronized PrintStream protocolOut() {
    claim();
    return protocolOut;
  }

  /**
   * Stdin as the transport should see it: JSON-RPC messages, one a line, and an end when stdin ends.
   *
   * @param subscribedUris told the URI of every {@code resources/subscribe} on its way to the SDK
   */
  static InputStream protocolIn(Consumer<String> subscribedUris) throws IOException {
    PipedInputStream toSdk = new PipedInputStream(64 * 1024);
    PipedOutputStream lines = new PipedOutputStream(toSdk);
    Thread.ofPlatform().daemon().name("mcp-stdin").start(() -> forward(lines, subscribedUris));
    // The end counts once the SDK has read every message before it.
    return new FilterInputStream(toSdk) {
      @Override
      public int read() throws IOException {
        return signalEnd(super.read());
      }

      @Override
      public int read(byte[] b, int off, int len) throws IOException {
        return signalEnd(super.read(b, off, len));
      }

      private int signalEnd(int n) {
        if (n < 0) {
          END_OF_INPUT.countDown();
        }
        return n;
      }
    };
  }

  static void awaitEndOfInput() throws InterruptedException {
    END_OF_INPUT.await();
  }

  private static void forward(PipedOutputStream sdk, Consumer<String> subscribedUris) {
    try (sdk; BufferedReader stdin = new BufferedReader(new InputStreamReader(System.in, StandardCharsets.UTF_8))) {
      String line;
      while ((line = stdin.readLine()) != null) {
        if (line.isBlank()) {
          continue;
        }
        if (line.length() > MAX_LINE) {
          log.warn("stdin: dropped a line of {} characters, over the limit of {}", line.length(), MAX_LINE);
          continue;
        }
        Optional<JsonRpcMessageCheck.Refusal> refusal = JsonRpcMessageCheck.check(line);
        if (refusal.isPresent()) {
          answer(refusal.get());
          continue;
        }
        JsonRpcMessageCheck.subscribedUri(line).ifPresent(subscribedUris);
        sdk.write((line + "\n").getBytes(StandardCharsets.UTF_8));
        sdk.flush();
      }
    } catch (IOException e) {
      log.warn("stdin: {}; ending the session", e.getMessage());
    }
    // Normally the SDK reads to the end of the pipe within moments; never wait for it forever.
    try {
      if (!END_OF_INPUT.await(10, TimeUnit.SECONDS)) {
        log.warn("stdin ended but the MCP transport stopped reading; exiting anyway");
      }
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    } finally {
      END_OF_INPUT.countDown();
    }
  }

  /**
   * Writes the error for a message the SDK must not see, as one line among the SDK's own: the SDK writes its
   * messages holding the stream's monitor, and so does this.
   */
  private static void answer(JsonRpcMessageCheck.Refusal refusal) {
    log.info("stdin: refused a message with {} ({})", refusal.code(), refusal.message());
    if (!refusal.answer()) {
      return;
    }
    PrintStream out = protocolOut();
    byte[] line = (refusal.toJson() + "\n").getBytes(StandardCharsets.UTF_8);
    synchronized (out) {
      out.write(line, 0, line.length);
      out.flush();
    }
  }
}
