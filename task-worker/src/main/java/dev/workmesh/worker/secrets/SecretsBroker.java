package dev.workmesh.worker.secrets;

import java.io.BufferedInputStream;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.StandardProtocolFamily;
import java.net.UnixDomainSocketAddress;
import java.nio.channels.Channels;
import java.nio.channels.ClosedChannelException;
import java.nio.channels.ServerSocketChannel;
import java.nio.channels.SocketChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.nio.file.attribute.BasicFileAttributes;
import java.nio.file.attribute.PosixFilePermissions;
import java.security.SecureRandom;
import java.util.Base64;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.stream.Collectors;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Hands named secrets to subagents over a Unix socket, so raw credentials never sit in a
 * subagent's environment, argv, working directory or log. A subagent may ask only while its
 * attempt's {@link SecretsSession} is open. The protocol is one JSON object per line, see {@link
 * SecretRequestHandler}.
 *
 * <p>The socket file is made 0600 right after bind; a client that connects in between still needs
 * an open session id, which is 256 random bits.
 */
public final class SecretsBroker implements AutoCloseable {

  private static final Logger log = LoggerFactory.getLogger(SecretsBroker.class);
  /** A request line longer than this is refused and the connection closed. */
  static final int MAX_REQUEST_BYTES = 64 * 1024;

  private final Path socketPath;
  private final ServerSocketChannel server;
  private final SecretRequestHandler handler;
  private final Set<String> sourceVariables;
  private final Map<String, String> attemptBySession = new ConcurrentHashMap<>();
  private final Set<SocketChannel> clients = ConcurrentHashMap.newKeySet();
  private final SecureRandom random = new SecureRandom();
  private volatile boolean closed;

  private SecretsBroker(
      SecretsBrokerSettings settings, Map<String, String> environment, ServerSocketChannel server, KnownSecrets known) {
    this.socketPath = settings.socketPath();
    this.server = server;
    Map<String, SecretSource> sources = new LinkedHashMap<>();
    settings.sources().forEach((name, source) -> sources.put(name, SecretSource.parse(name, source)));
    this.sourceVariables =
        sources.values().stream()
            .filter(SecretSource.EnvironmentVariable.class::isInstance)
            .map(s -> ((SecretSource.EnvironmentVariable) s).variable())
            .collect(Collectors.toUnmodifiableSet());
    // What a subagent can be given is masked in attempt output from the start; a rotated value once served.
    sources.values().forEach(source -> {
      try {
        known.add(source.resolve(environment));
      } catch (SecretSource.SecretUnavailableException notYet) {
        // masked once it is served
      }
    });
    this.handler = new SecretRequestHandler(
        Map.copyOf(sources), Map.copyOf(environment), s -> Optional.ofNullable(attemptBySession.get(s)), known::add);
  }

  /** Binds the socket with secrets resolved from this process's environment. */
  public static SecretsBroker start(SecretsBrokerSettings settings) {
    return start(settings, System.getenv());
  }

  /** Binds the socket; {@code environment} backs the {@code env:} sources. */
  public static SecretsBroker start(SecretsBrokerSettings settings, Map<String, String> environment) {
    return start(settings, environment, new KnownSecrets());
  }

  /**
   * Binds the socket; {@code environment} backs the {@code env:} sources, and every value the broker can
   * or does serve is added to {@code known}, so that attempt output masks it.
   */
  public static SecretsBroker start(SecretsBrokerSettings settings, Map<String, String> environment, KnownSecrets known) {
    Path path = settings.socketPath().toAbsolutePath();
    try {
      Files.createDirectories(path.getParent());
      removeStaleSocket(path);
      ServerSocketChannel server = ServerSocketChannel.open(StandardProtocolFamily.UNIX);
      server.bind(UnixDomainSocketAddress.of(path));
      Files.setPosixFilePermissions(path, PosixFilePermissions.fromString("rw-------"));
      SecretsBroker broker = new SecretsBroker(settings, environment, server, known);
      Thread.ofPlatform().daemon().name("secrets-broker-accept").start(broker::acceptLoop);
      log.info("Secrets broker listening on {} with secrets {}", path, settings.sources().keySet());
      return broker;
    } catch (IOException e) {
      throw new IllegalStateException("cannot start the secrets broker on " + path + ": " + e.getMessage(), e);
    }
  }

  /** A socket file left by a crashed worker is removed; one that still answers belongs to a live worker. */
  private static void removeStaleSocket(Path path) throws IOException {
    if (!Files.exists(path, LinkOption.NOFOLLOW_LINKS)) {
      return;
    }
    if (!Files.readAttributes(path, BasicFileAttributes.class, LinkOption.NOFOLLOW_LINKS).isOther()) {
      throw new IllegalStateException(path + " exists and is not a socket: move it away or choose another data directory");
    }
    try (SocketChannel probe = SocketChannel.open(UnixDomainSocketAddress.of(path))) {
      throw new IllegalStateException(
          "another process is serving secrets on " + path + ": give each worker its own data directory");
    } catch (IOException refused) {
      Files.delete(path);
    }
  }

  public Path socketPath() {
    return socketPath;
  }

  /** Opens a session for one attempt; close it when the attempt ends. */
  public SecretsSession openSession(String attemptId) {
    if (closed) {
      throw new IllegalStateException("the secrets broker is closed");
    }
    byte[] bytes = new byte[32];
    random.nextBytes(bytes);
    String id = Base64.getUrlEncoder().withoutPadding().encodeToString(bytes);
    attemptBySession.put(id, attemptId);
    return new SecretsSession(id, attemptId, this);
  }

  void closeSession(String sessionId) {
    attemptBySession.remove(sessionId);
  }

  /** Sessions currently open; 0 once every attempt has ended. */
  public int openSessions() {
    return attemptBySession.size();
  }

  /**
   * The worker's environment variables that back {@code env:} sources. A subagent must not inherit
   * them, or the broker would protect nothing.
   */
  public Set<String> sourceEnvironmentVariables() {
    return sourceVariables;
  }

  private void acceptLoop() {
    while (!closed) {
      try {
        SocketChannel client = server.accept();
        clients.add(client);
        Thread.ofVirtual().name("secrets-broker-client").start(() -> serve(client));
      } catch (ClosedChannelException e) {
        return;
      } catch (IOException e) {
        if (!closed) {
          log.error("Secrets broker failed to accept a connection; continuing", e);
        }
      }
    }
  }

  private void serve(SocketChannel client) {
    try (client;
        InputStream in = new BufferedInputStream(Channels.newInputStream(client));
        OutputStream out = Channels.newOutputStream(client)) {
      String line;
      while ((line = readLine(in)) != null) {
        if (line.isBlank()) {
          continue;
        }
        out.write((handler.handle(line) + "\n").getBytes(StandardCharsets.UTF_8));
        out.flush();
      }
    } catch (RequestTooLongException e) {
      log.warn("Secrets broker closed a connection that sent a request over {} bytes", MAX_REQUEST_BYTES);
    } catch (IOException e) {
      if (!closed) {
        log.debug("Secrets broker connection ended: {}", e.toString());
      }
    } finally {
      clients.remove(client);
    }
  }

  private static String readLine(InputStream in) throws IOException {
    ByteArrayOutputStream line = new ByteArrayOutputStream();
    int b;
    while ((b = in.read()) != -1) {
      if (b == '\n') {
        return line.toString(StandardCharsets.UTF_8);
      }
      if (line.size() >= MAX_REQUEST_BYTES) {
        throw new RequestTooLongException();
      }
      line.write(b);
    }
    return line.size() == 0 ? null : line.toString(StandardCharsets.UTF_8);
  }

  @Override
  public void close() {
    closed = true;
    attemptBySession.clear();
    try {
      server.close();
    } catch (IOException e) {
      log.warn("Closing the secrets broker socket failed: {}", e.toString());
    }
    for (SocketChannel client : clients) {
      try {
        client.close();
      } catch (IOException ignored) {
        // closing anyway
      }
    }
    try {
      Files.deleteIfExists(socketPath);
    } catch (IOException e) {
      log.warn("Could not delete the secrets socket {}: {}", socketPath, e.toString());
    }
  }

  private static final class RequestTooLongException extends IOException {}
}
