package dev.workmesh.devstack.cli;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;

/**
 * The repository's {@code ./mesh} script, run as a user runs it: with the JDK of this build as
 * {@code JAVA_HOME} and the mesh found through the {@code dev.env} of a dev stack's data dir (no
 * {@code MESH_API_URL} or token in its environment).
 */
final class MeshScript {

  /** What one call printed and how it ended. */
  record Call(List<String> argv, int exitCode, String out, String err) {
    String printed() {
      return out + err;
    }

    @Override
    public String toString() {
      return "./mesh " + String.join(" ", argv) + " -> exit " + exitCode + "\n--- stdout\n" + out + "--- stderr\n"
          + err;
    }
  }

  /** A call still running (a {@code watch}), its output in files as it arrives. */
  record Running(Process process, Path outFile, Path errFile) {
    String out() {
      return read(outFile);
    }

    String err() {
      return read(errFile);
    }
  }

  private final Path script;
  private final Path devDir;
  private final Path outputDir;
  private int calls;

  /**
   * @param devDir the data dir of the mesh to talk to (its {@code dev.env})
   * @param outputDir where each call's output is kept
   */
  MeshScript(Path script, Path devDir, Path outputDir) {
    this.script = script;
    this.devDir = devDir;
    this.outputDir = outputDir;
  }

  /** The script of the repository this module is built in, or the one a system property names. */
  static Path ofThisRepository() {
    Path script = Path.of(System.getProperty("workmesh.mesh-script", "../mesh")).toAbsolutePath().normalize();
    if (!Files.isExecutable(script)) {
      throw new IllegalStateException("no executable ./mesh script at " + script);
    }
    return script;
  }

  Path root() {
    return script.getParent();
  }

  /** Runs one call to its end, at most {@code timeout}. */
  Call run(Duration timeout, String... argv) {
    Running running = start(argv);
    try {
      if (!running.process().waitFor(timeout.toMillis(), TimeUnit.MILLISECONDS)) {
        running.process().destroyForcibly().waitFor();
        throw new AssertionError("./mesh " + String.join(" ", argv) + " did not end within " + timeout
            + "\n--- stdout\n" + running.out() + "--- stderr\n" + running.err());
      }
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      running.process().destroyForcibly();
      throw new IllegalStateException("interrupted while ./mesh " + String.join(" ", argv) + " ran", e);
    }
    return new Call(List.of(argv), running.process().exitValue(), running.out(), running.err());
  }

  /** Starts one call and returns while it runs. */
  Running start(String... argv) {
    List<String> command = new ArrayList<>(List.of(script.toString()));
    command.addAll(List.of(argv));
    int call = ++calls;
    Path out = outputDir.resolve("call-" + call + ".out");
    Path err = outputDir.resolve("call-" + call + ".err");
    ProcessBuilder builder = new ProcessBuilder(command).directory(outputDir.toFile())
        .redirectInput(ProcessBuilder.Redirect.from(Path.of("/dev/null").toFile()))
        .redirectOutput(out.toFile()).redirectError(err.toFile());
    Map<String, String> env = builder.environment();
    List.of("MESH_API_URL", "MESH_OPERATOR_TOKEN", "MESH_SCHEDULER_URL").forEach(env::remove);
    env.put("JAVA_HOME", System.getProperty("java.home"));
    env.put("MESH_DEV_DIR", devDir.toString());
    try {
      return new Running(builder.start(), out, err);
    } catch (IOException e) {
      throw new UncheckedIOException("cannot run " + command, e);
    }
  }

  private static String read(Path file) {
    try {
      return Files.readString(file, StandardCharsets.UTF_8);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }
}
