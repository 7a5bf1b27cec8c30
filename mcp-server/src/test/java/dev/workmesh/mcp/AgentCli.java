package dev.workmesh.mcp;

import static org.assertj.core.api.Assertions.assertThat;

import dev.workmesh.testsupport.agents.AgentClis;
import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.io.OutputStream;
import java.io.UncheckedIOException;
import java.net.ServerSocket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.function.Predicate;

/**
 * One pinned agent CLI run as a user would run it, but in a private home: {@code HOME} and the CLI's
 * own config directory point into {@code home}, the environment holds nothing of the machine's user
 * (no keys, no config) beyond {@code PATH}, and telemetry, update checks and error reporting are off.
 * Model endpoints point at a closed loopback port, so nothing leaves the machine.
 */
final class AgentCli {

  private static final Duration RUN_TIMEOUT = Duration.ofMinutes(3);

  private final String name;
  private final Path home;
  private final Path workDir;
  private final Map<String, String> env = new HashMap<>();

  AgentCli(String name, Path home) {
    this.name = name;
    this.home = home;
    this.workDir = home.resolve("project");
    try {
      Files.createDirectories(workDir);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
    env.put("PATH", System.getenv("PATH"));
    env.put("HOME", home.toString());
    env.put("LANG", "C.UTF-8");
    env.put("NO_COLOR", "1");
    String closedModelEndpoint = "http://127.0.0.1:" + closedPort();
    switch (name) {
      case "claude" -> {
        env.put("CLAUDE_CONFIG_DIR", home.resolve(".claude").toString());
        // Claude Code's default connection wait (30 s): the server given a wrong token is reported failed
        // only once it runs out, so a longer one only makes the test slower.
        env.put("MCP_TIMEOUT", "30000");
        env.put("DISABLE_TELEMETRY", "1");
        env.put("DISABLE_AUTOUPDATER", "1");
        env.put("DISABLE_ERROR_REPORTING", "1");
        env.put("CLAUDE_CODE_DISABLE_NONESSENTIAL_TRAFFIC", "1");
        env.put("ANTHROPIC_API_KEY", "sk-ant-dummy-key-for-tests");
        env.put("ANTHROPIC_BASE_URL", closedModelEndpoint);
      }
      case "codex" -> {
        // Codex needs no model key to connect to its MCP servers; without one it calls no model.
        env.put("CODEX_HOME", home.resolve(".codex").toString());
      }
      case "gemini" -> {
        env.put("GEMINI_CLI_HOME", home.toString());
        env.put("GEMINI_API_KEY", "dummy-key-for-tests");
        env.put("GOOGLE_GEMINI_BASE_URL", closedModelEndpoint);
        env.put("GEMINI_TELEMETRY_ENABLED", "false");
      }
      default -> throw new IllegalArgumentException("not an agent CLI: " + name);
    }
  }

  /** The directory the CLI runs in: a project folder inside the private home. */
  Path workDir() {
    return workDir;
  }

  Path home() {
    return home;
  }

  AgentCli env(String key, String value) {
    env.put(key, value);
    return this;
  }

  /** Runs the CLI to its end with stdin closed; stdout and stderr together. */
  Result run(String... args) {
    Process process = start(args);
    try {
      process.getOutputStream().close();
      CompletableFuture<String> output = readAll(process);
      if (!process.waitFor(RUN_TIMEOUT.toSeconds(), TimeUnit.SECONDS)) {
        stop(process);
        throw new AssertionError(name + " " + String.join(" ", args) + " did not end within " + RUN_TIMEOUT
            + "; it printed:\n" + output.getNow(""));
      }
      return new Result(process.exitValue(), output.get(10, TimeUnit.SECONDS));
    } catch (IOException | InterruptedException | ExecutionException | TimeoutException e) {
      stop(process);
      throw new IllegalStateException(name + " " + String.join(" ", args) + " could not be run", e);
    }
  }

  /**
   * Runs the CLI, writes {@code stdinLines} to it, and returns the first line of its stdout that
   * {@code wanted} accepts; then stops it (with its children). Fails with everything it printed if no
   * such line comes within the timeout.
   */
  String firstLine(Predicate<String> wanted, List<String> stdinLines, String... args) {
    Process process = start(args);
    List<String> seen = new ArrayList<>();
    try {
      OutputStream stdin = process.getOutputStream();
      for (String line : stdinLines) {
        stdin.write((line + "\n").getBytes(StandardCharsets.UTF_8));
      }
      stdin.flush();
      if (stdinLines.isEmpty()) {
        stdin.close();
      }
      CompletableFuture<Optional<String>> found = CompletableFuture.supplyAsync(() -> {
        try (BufferedReader reader = new BufferedReader(
            new InputStreamReader(process.getInputStream(), StandardCharsets.UTF_8))) {
          for (String line = reader.readLine(); line != null; line = reader.readLine()) {
            synchronized (seen) {
              seen.add(line);
            }
            if (wanted.test(line)) {
              return Optional.of(line);
            }
          }
          return Optional.empty();
        } catch (IOException e) {
          return Optional.empty();
        }
      });
      Optional<String> line = found.get(RUN_TIMEOUT.toSeconds(), TimeUnit.SECONDS);
      assertThat(line).as("%s %s printed the line wanted; it printed:%n%s", name, String.join(" ", args),
          printed(seen)).isPresent();
      return line.orElseThrow();
    } catch (TimeoutException e) {
      throw new AssertionError(name + " " + String.join(" ", args) + " printed no wanted line within "
          + RUN_TIMEOUT + "; it printed:\n" + printed(seen), e);
    } catch (IOException | InterruptedException | ExecutionException e) {
      throw new IllegalStateException(name + " " + String.join(" ", args) + " could not be run", e);
    } finally {
      stop(process);
    }
  }

  private String printed(List<String> seen) {
    String stdout;
    synchronized (seen) {
      stdout = String.join("\n", seen);
    }
    Path stderr = home.resolve("codex-stderr.log");
    try {
      return Files.exists(stderr) ? stdout + "\n--- stderr:\n" + Files.readString(stderr) : stdout;
    } catch (IOException e) {
      return stdout;
    }
  }

  private Process start(String... args) {
    List<String> command = new ArrayList<>();
    command.add(AgentClis.executable(name).toString());
    command.addAll(List.of(args));
    ProcessBuilder builder = new ProcessBuilder(command).directory(workDir.toFile());
    builder.environment().clear();
    builder.environment().putAll(env);
    builder.redirectErrorStream(!name.equals("codex"));
    if (name.equals("codex")) {
      builder.redirectError(home.resolve("codex-stderr.log").toFile());
    }
    try {
      return builder.start();
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  private static CompletableFuture<String> readAll(Process process) {
    return CompletableFuture.supplyAsync(() -> {
      try {
        return new String(process.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
      } catch (IOException e) {
        throw new UncheckedIOException(e);
      }
    });
  }

  private static void stop(Process process) {
    process.descendants().forEach(ProcessHandle::destroyForcibly);
    process.destroyForcibly();
  }

  /** A loopback port nothing listens on: model calls fail at once instead of leaving the machine. */
  private static int closedPort() {
    try (ServerSocket socket = new ServerSocket(0)) {
      return socket.getLocalPort();
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  record Result(int exitCode, String output) {}
}
