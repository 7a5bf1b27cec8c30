package dev.workmesh.devstack.cli;

import dev.workmesh.client.MeshClient;
import dev.workmesh.client.model.TaskLog;
import java.io.PrintStream;
import java.time.Duration;
import java.util.Set;
import java.util.UUID;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

/**
 * {@code ./mesh logs TASK [--follow]}: the output of a task's latest attempt, as the mesh holds it (a running
 * attempt's worker sends it with each heartbeat). With {@code --follow} it prints new output as it arrives,
 * across retries, until the task has ended.
 */
@Command(name = "logs", description = "the output of a task's latest attempt, live while it runs")
final class TaskLogs implements Callable<Integer> {

  private static final Set<String> ENDED = Set.of("succeeded", "failed", "cancelled");

  /** How often {@code --follow} asks for new output (a running attempt's worker sends it with each heartbeat). */
  static final Duration POLL = Duration.ofSeconds(1);

  @Parameters(paramLabel = "TASK", converter = OptionValues.TaskId.class)
  UUID taskId;

  @Option(names = {"-f", "--follow"}, description = "print new output as it arrives, until the task ends")
  boolean follow;

  private final MeshConnection connection;
  private final MeshClient client;
  private final PrintStream out;
  private final PrintStream err;
  private final Duration pollEvery;

  TaskLogs(MeshConnection connection) {
    this.connection = connection;
    this.client = null;
    this.out = connection.out;
    this.err = connection.err;
    this.pollEvery = POLL;
  }

  /** For tests: a given client, and how often {@code --follow} asks. */
  TaskLogs(MeshClient client, PrintStream out, PrintStream err, Duration pollEvery) {
    this.connection = null;
    this.client = client;
    this.out = out;
    this.err = err;
    this.pollEvery = pollEvery;
  }

  @Override
  public Integer call() throws InterruptedException {
    return show(taskId, follow);
  }

  int show(UUID taskId, boolean follow) throws InterruptedException {
    MeshClient mesh = client != null ? client : connection.mesh();
    TaskLog log = mesh.taskLog(taskId);
    if (!follow) {
      if (log.attemptId() == null) {
        err.println("task " + taskId + " has not been claimed yet (" + log.taskStatus() + ")");
      } else if (log.logTail() == null || log.logTail().isEmpty()) {
        err.println("attempt " + log.attemptNumber() + " " + log.attemptId() + (log.running() ? " is running" : " ended")
            + "; no output reached the mesh");
      } else {
        out.print(withNewline(log.logTail()));
      }
      return 0;
    }
    UUID attempt = null;
    String shown = "";
    while (true) {
      if (log.attemptId() != null && !log.attemptId().equals(attempt)) {
        attempt = log.attemptId();
        shown = "";
        err.println("--- attempt " + log.attemptNumber() + " " + attempt + " ---");
      }
      String tail = log.logTail() == null ? "" : log.logTail();
      out.print(newText(shown, tail));
      out.flush();
      shown = tail;
      if (!log.running() && ENDED.contains(log.taskStatus())) {
        if (!shown.isEmpty() && !shown.endsWith("\n")) {
          out.println();
        }
        err.println("--- task " + log.taskStatus() + " ---");
        return 0;
      }
      Thread.sleep(pollEvery);
      log = mesh.taskLog(taskId);
    }
  }

  /**
   * What {@code now} adds to {@code before}. A log tail is a window on the end of the output that slides as
   * the output grows, so the new text is what follows the longest end of {@code before} that {@code now}
   * starts with; when they share nothing (the output outran the window), all of {@code now}.
   */
  static String newText(String before, String now) {
    if (now.startsWith(before)) {
      return now.substring(before.length());
    }
    for (int i = 1; i < before.length(); i++) {
      if (now.startsWith(before.substring(i))) {
        return now.substring(before.length() - i);
      }
    }
    return now;
  }

  private static String withNewline(String text) {
    return text.endsWith("\n") ? text : text + "\n";
  }
}
