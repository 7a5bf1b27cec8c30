package dev.workmesh.worker.secrets;

import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.Map;
import java.util.Objects;
import java.util.TreeMap;

/**
 * Configuration of the {@link SecretsBroker}.
 *
 * @param socketPath the Unix socket the broker listens on, mode 0600; by convention {@code
 *     <dataDir>/secrets.sock} (see {@link #inDataDir}). Linux limits socket paths to 107 bytes.
 * @param sources secret name to source string: {@code env:VARIABLE} or {@code file:/absolute/path};
 *     empty by default (the broker then refuses every name).
 */
public record SecretsBrokerSettings(Path socketPath, Map<String, String> sources) {

  /** The longest socket path Linux accepts ({@code sizeof(sun_path) - 1}). */
  static final int MAX_SOCKET_PATH_BYTES = 107;

  public SecretsBrokerSettings {
    Objects.requireNonNull(socketPath, "secrets socketPath is required, e.g. <dataDir>/secrets.sock");
    if (socketPath.toAbsolutePath().toString().getBytes(StandardCharsets.UTF_8).length > MAX_SOCKET_PATH_BYTES) {
      throw new IllegalArgumentException(
          "secrets socket path %s is longer than %d bytes, the Unix socket limit: choose a shorter data directory"
              .formatted(socketPath.toAbsolutePath(), MAX_SOCKET_PATH_BYTES));
    }
    sources = sources == null ? Map.of() : Map.copyOf(new TreeMap<>(sources));
    sources.forEach(
        (name, source) -> {
          if (name.isBlank()) {
            throw new IllegalArgumentException("a secret source has an empty name: give every secret a name");
          }
          SecretSource.parse(name, source);
        });
  }

  /** The broker at {@code <dataDir>/secrets.sock}. */
  public static SecretsBrokerSettings inDataDir(Path dataDir, Map<String, String> sources) {
    return new SecretsBrokerSettings(dataDir.resolve("secrets.sock"), sources);
  }
}
