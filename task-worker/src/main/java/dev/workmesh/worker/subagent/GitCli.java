package dev.workmesh.worker.subagent;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;

/** Runs the git command line with an argv (never a shell), a time limit and no prompts. */
final class GitCli {

  private final Duration timeout;

  GitCli(Duration timeout) {
    this.timeout = timeout;
  }

  /** Runs {@code git <args>} in {@code directory}; its combined output, or a {@link GitFailedException}. */
  String run(Path directory, String... args) {
    List<String> argv = new ArrayList<>();
    argv.add("git");
    argv.addAll(List.of(args));
    ProcessBuilder builder = new ProcessBuilder(argv).redirectErrorStream(true).redirectInput(ProcessBuilder.Redirect.from(Path.of("/dev/null").toFile()));
    if (directory != null) {
      builder.directory(directory.toFile());
    }
    builder.environment().put("GIT_TERMINAL_PROMPT", "0");
    Process process;
    try {
      process = builder.start();
    } catch (IOException e) {
      throw new GitFailedException("git is not installed or not on PATH: " + e.getMessage());
    }
    CompletableFuture<String> output =
        CompletableFuture.supplyAsync(
            () -> {
              try {
                return new String(process.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
              } catch (IOException e) {
                throw new UncheckedIOException(e);
              }
            },
            command -> Thread.ofVirtual().start(command));
    try {
      if (!process.waitFor(timeout.toMillis(), TimeUnit.MILLISECONDS)) {
        process.descendants().forEach(ProcessHandle::destroyForcibly);
        process.destroyForcibly();
        throw new GitFailedException("git " + String.join(" ", args) + " did not finish within " + timeout);
      }
      String text = output.get(timeout.toMillis(), TimeUnit.MILLISECONDS).strip();
      if (process.exitValue() != 0) {
        throw new GitFailedException(
            "git %s exited with %d: %s".formatted(String.join(" ", args), process.exitValue(), lastLines(text)));
      }
      return text;
    } catch (InterruptedException e) {
      process.destroyForcibly();
      Thread.currentThread().interrupt();
      throw new GitFailedException("interrupted while running git " + String.join(" ", args));
    } catch (java.util.concurrent.ExecutionException | java.util.concurrent.TimeoutException e) {
      throw new GitFailedException("could not read the output of git " + String.join(" ", args) + ": " + e);
    }
  }

  private static String lastLines(String text) {
    String[] lines = text.split("\n");
    return String.join(" / ", List.of(lines).subList(Math.max(0, lines.length - 5), lines.length));
  }

  static final class GitFailedException extends RuntimeException {
    GitFailedException(String message) {
      super(message);
    }
  }
}
