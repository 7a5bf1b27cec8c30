package dev.workmesh.worker.secrets;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.util.Map;

/**
 * Where the value of one named secret comes from. Parsed from a source string in the worker's
 * configuration and resolved each time a subagent asks, so a rotated file or variable is picked up
 * without a restart. Nothing here ever logs or stores a value.
 */
public sealed interface SecretSource {

  /** The value now, or a {@link SecretUnavailableException} that names the source but not a value. */
  String resolve(Map<String, String> environment);

  /** Parses {@code env:VARIABLE} or {@code file:/absolute/path}. */
  static SecretSource parse(String name, String source) {
    if (source != null && source.startsWith("env:") && source.length() > "env:".length()) {
      return new EnvironmentVariable(source.substring("env:".length()));
    }
    if (source != null && source.startsWith("file:")) {
      Path path = Path.of(source.substring("file:".length()));
      if (path.isAbsolute()) {
        return new FileContents(path);
      }
    }
    throw new IllegalArgumentException(
        "secret source for '%s' is '%s': expected 'env:VARIABLE' (a variable of the worker's environment) or 'file:/absolute/path' (the file's contents)"
            .formatted(name, source));
  }

  /** A variable of the worker's own environment. */
  record EnvironmentVariable(String variable) implements SecretSource {
    @Override
    public String resolve(Map<String, String> environment) {
      String value = environment.get(variable);
      if (value == null) {
        throw new SecretUnavailableException("environment variable " + variable + " is not set on the worker");
      }
      return value;
    }
  }

  /** A file's contents as UTF-8, without its trailing line breaks. */
  record FileContents(Path path) implements SecretSource {
    @Override
    public String resolve(Map<String, String> environment) {
      try {
        String text = Files.readString(path, StandardCharsets.UTF_8);
        int end = text.length();
        while (end > 0 && (text.charAt(end - 1) == '\n' || text.charAt(end - 1) == '\r')) {
          end--;
        }
        return text.substring(0, end);
      } catch (NoSuchFileException e) {
        throw new SecretUnavailableException("file " + path + " does not exist");
      } catch (IOException e) {
        throw new SecretUnavailableException("file " + path + " cannot be read: " + e.getClass().getSimpleName());
      }
    }
  }

  /** A configured secret whose source cannot give a value right now. */
  final class SecretUnavailableException extends RuntimeException {
    SecretUnavailableException(String message) {
      super(message);
    }
  }
}
