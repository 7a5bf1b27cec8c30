package dev.workmesh.bench.mesh;

import dev.workmesh.client.model.ClaimView;
import dev.workmesh.client.model.TaskView;
import dev.workmesh.worker.subagent.AttemptOutcome;
import dev.workmesh.worker.subagent.AttemptSpec;
import dev.workmesh.worker.subagent.RuntimeCatalog;
import dev.workmesh.worker.subagent.SubagentLauncher;
import dev.workmesh.worker.subagent.SubagentOutcome;
import dev.workmesh.worker.subagent.SubagentSettings;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Comparator;
import java.util.stream.Stream;

/**
 * The subagent path: every claim runs as a real child process through task-worker's {@link
 * SubagentLauncher}, exactly as a worker node runs it (attempt directory, rotating log, output pumps,
 * environment, process supervision), with the {@code exec} runtime and the task's {@code input.argv}
 * ({@code ["/bin/true"]}). No secrets broker: the process asks for none.
 */
final class SubagentWork implements TaskWork, AutoCloseable {

  private final Path dataDir;
  private final SubagentLauncher launcher;
  private final String apiUrl;

  SubagentWork(String apiUrl) {
    try {
      this.dataDir = Files.createTempDirectory("mesh-bench-subagents");
    } catch (IOException e) {
      throw new UncheckedIOException("cannot create the subagents' data directory", e);
    }
    SubagentSettings settings = SubagentSettings.defaults(dataDir);
    this.launcher = new SubagentLauncher(settings, RuntimeCatalog.from(settings));
    this.apiUrl = apiUrl;
  }

  @Override
  public Done run(ClaimView claim) {
    TaskView task = claim.task();
    AttemptSpec spec = new AttemptSpec(task.id(), task.missionId(), claim.attemptId(), claim.claimToken(),
        task.title(), task.description(), task.runtime(), task.input(), null, apiUrl);
    try {
      SubagentOutcome outcome = launcher.launch(spec).awaitOutcome();
      return outcome.outcome() == AttemptOutcome.SUCCEEDED
          ? new Done(true, outcome.exitCode(), null)
          : new Done(false, outcome.exitCode(), outcome.error());
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      return new Done(false, null, "interrupted");
    }
  }

  @Override
  public void close() {
    launcher.close();
    try (Stream<Path> files = Files.walk(dataDir)) {
      files.sorted(Comparator.reverseOrder()).forEach(p -> p.toFile().delete());
    } catch (IOException e) {
      // a leftover temporary directory is not worth failing the run over
    }
  }
}
