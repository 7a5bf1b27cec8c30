package dev.workmesh.worker.subagent;

import dev.workmesh.worker.BoundedWait;
import dev.workmesh.worker.secrets.KnownSecrets;
import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.UUID;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicReference;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * A subagent process supervised for one attempt: its output is drained into the attempt log with every
 * known secret masked ({@link OutputRedactor}), it is
 * stopped on timeout or cancel (SIGTERM to the tree, SIGKILL after the grace period), and when it
 * exits its workspace and secrets session are released before the {@link SubagentOutcome} is
 * completed.
 */
public final class RunningSubagent implements Subagent {

  private static final Logger log = LoggerFactory.getLogger(RunningSubagent.class);
  /**
   * How long to wait for the output pipes to close after the subagent exited. A background process
   * it left behind can hold them open indefinitely; its output after this point is not kept.
   */
  static final Duration OUTPUT_DRAIN_LIMIT = Duration.ofSeconds(5);

  private final AttemptSpec spec;
  private final Process process;
  private final Path attemptDir;
  private final Path workDir;
  private final Path resultFile;
  private final AttemptLog attemptLog;
  /** Masked in what reaches the attempt log: the worker's secrets and this attempt's claim token. */
  private final KnownSecrets secrets;
  private final OutputCapture stdout;
  private final OutputFormat outputFormat;
  /** The end of stdout, where a CLI's machine-readable summary is; null for plain text output. */
  private final TailBuffer structuredStdout;
  private final int resultMaxBytes;
  private final Duration killGrace;
  private final ProcessTreeTerminator terminator;
  private final Runnable release;
  private final long startNanos = System.nanoTime();
  private final AtomicReference<AttemptOutcome> stopReason = new AtomicReference<>();
  private final AtomicBoolean killed = new AtomicBoolean();
  private final CompletableFuture<Void> killDone = new CompletableFuture<>();
  private final CompletableFuture<SubagentOutcome> outcome = new CompletableFuture<>();
  private final CompletableFuture<Void> exited = new CompletableFuture<>();
  private final ScheduledExecutorService timers;
  private volatile ScheduledFuture<?> timeoutTimer;

  RunningSubagent(
      AttemptSpec spec,
      Process process,
      Path attemptDir,
      Path workDir,
      Path resultFile,
      AttemptLog attemptLog,
      KnownSecrets secrets,
      int resultMaxBytes,
      OutputFormat outputFormat,
      Duration killGrace,
      ProcessTreeTerminator terminator,
      ScheduledExecutorService timers,
      Runnable release) {
    this.spec = spec;
    this.process = process;
    this.attemptDir = attemptDir;
    this.workDir = workDir;
    this.resultFile = resultFile;
    this.attemptLog = attemptLog;
    this.secrets = secrets;
    this.stdout = new OutputCapture(resultMaxBytes);
    this.outputFormat = outputFormat;
    // Room for the result and the summary around it.
    this.structuredStdout = outputFormat == OutputFormat.TEXT ? null : new TailBuffer(resultMaxBytes + 256 * 1024);
    this.resultMaxBytes = resultMaxBytes;
    this.killGrace = killGrace;
    this.terminator = terminator;
    this.timers = timers;
    this.release = release;
  }

  /** Starts draining output, arms the timeout and arranges the end of the attempt. */
  void supervise() {
    String name = "subagent-" + spec.attemptId();
    OutputRedactor stdoutToLog = new OutputRedactor(secrets, attemptLog::write);
    OutputRedactor stderrToLog = new OutputRedactor(secrets, attemptLog::write);
    CompletableFuture<Void> out =
        StreamPump.start(name + "-stdout", process.getInputStream(), (bytes, offset, length) -> {
          stdoutToLog.write(bytes, offset, length);
          synchronized (stdout) {
            stdout.write(bytes, offset, length);
            if (structuredStdout != null) {
              structuredStdout.write(bytes, offset, length);
            }
          }
        }).thenRun(stdoutToLog::flush);
    CompletableFuture<Void> err =
        StreamPump.start(name + "-stderr", process.getErrorStream(), stderrToLog).thenRun(stderrToLog::flush);
    if (spec.timeout() != null) {
      timeoutTimer = timers.schedule(() -> stop(AttemptOutcome.TIMED_OUT), spec.timeout().toNanos(), TimeUnit.NANOSECONDS);
    }
    // A thread of its own: finishing waits for pipes and runs git, and its pool is never closed.
    process.onExit().thenRunAsync(() -> finish(List.of(out, err)), task -> SupervisionThreads.run(name + "-finish", task));
  }

  public UUID attemptId() {
    return spec.attemptId();
  }

  public long pid() {
    return process.pid();
  }

  /** {@code <dataDir>/attempts/<attemptId>}: the log files and the result file. */
  public Path attemptDirectory() {
    return attemptDir;
  }

  /** The subagent's working directory (a git worktree when the task named a repository). */
  public Path workingDirectory() {
    return workDir;
  }

  /** The end of the output so far. */
  @Override
  public String logTail() {
    return attemptLog.tail();
  }

  public boolean isRunning() {
    return !outcome.isDone();
  }

  /**
   * Stops the subagent; its outcome becomes {@code cancelled}. Does nothing if it already exited
   * or is already being stopped. Returns at once; the outcome follows.
   */
  @Override
  public void cancel() {
    stop(AttemptOutcome.CANCELLED);
  }

  /** Completes when the subagent has exited and its workspace and secrets session are released. */
  @Override
  public CompletableFuture<SubagentOutcome> outcome() {
    return outcome.copy();
  }

  /**
   * Completes when the subagent's process exited; when it was stopped (timeout, cancel), once what it
   * started has been given the kill grace too. Whatever it left in its group is killed right after,
   * before the outcome.
   */
  @Override
  public CompletableFuture<?> exited() {
    return exited.copy();
  }

  public SubagentOutcome awaitOutcome() throws InterruptedException {
    try {
      return outcome.get();
    } catch (ExecutionException e) {
      throw new IllegalStateException("supervising attempt " + spec.attemptId() + " failed", e.getCause());
    }
  }

  private void stop(AttemptOutcome reason) {
    if (!process.isAlive() || !stopReason.compareAndSet(null, reason)) {
      return;
    }
    log.info("Stopping attempt {} (pid {}): {}", spec.attemptId(), process.pid(), reason.wireName());
    terminator.terminate();
    Runnable killRemaining =
        () -> {
          try {
            if (terminator.kill()) {
              killed.set(true);
              log.warn("Attempt {} was still running {} after SIGTERM; sent SIGKILL", spec.attemptId(), killGrace);
            }
          } finally {
            killDone.complete(null);
          }
        };
    try {
      timers.schedule(killRemaining, killGrace.toNanos(), TimeUnit.NANOSECONDS);
    } catch (RejectedExecutionException launcherClosed) {
      killRemaining.run();
    }
  }

  private void finish(List<CompletableFuture<Void>> pumps) {
    SubagentOutcome result = null;
    try {
      ScheduledFuture<?> timer = timeoutTimer;
      if (timer != null) {
        timer.cancel(false);
      }
      if (stopReason.get() != null && terminator.anyAlive()) {
        // The root is gone but processes it started are still winding down: give them the rest of the grace.
        BoundedWait.completes(killDone, killGrace.plus(OUTPUT_DRAIN_LIMIT));
      }
      exited.complete(null);
      // The attempt is over when its root exits: nothing it left running in its group may go on.
      int leftBehind = terminator.killGroup();
      if (leftBehind > 0) {
        log.warn("Attempt {}: pid {} exited leaving {} process(es) of its group running; killed them", spec.attemptId(), process.pid(), leftBehind);
      }
      if (!BoundedWait.completes(CompletableFuture.allOf(pumps.toArray(CompletableFuture[]::new)), OUTPUT_DRAIN_LIMIT)) {
        log.warn("Attempt {}: a process left behind by pid {} still holds its output open; not waiting for it", spec.attemptId(), process.pid());
      }
      attemptLog.close();
      result = outcomeOf(process.exitValue());
    } catch (RuntimeException | Error e) {
      log.error("Finishing attempt {} failed", spec.attemptId(), e);
      result = new SubagentOutcome(
          AttemptOutcome.FAILED, exitValueOr(-1), "", attemptLog.tail(), elapsed(), "the worker failed to collect the outcome: " + e);
    } finally {
      try {
        release.run();
      } catch (RuntimeException e) {
        log.error("Releasing the workspace or secrets session of attempt {} failed", spec.attemptId(), e);
      }
      exited.complete(null);
      outcome.complete(result);
    }
  }

  private SubagentOutcome outcomeOf(int exitCode) {
    AttemptOutcome stoppedAs = stopReason.get();
    String logTail = attemptLog.tail();
    AgentReport report;
    synchronized (stdout) {
      report = structuredStdout == null
          ? AgentReport.NONE
          : AgentOutputReader.read(outputFormat, structuredStdout.text(), exitCode, logTail);
    }
    boolean reportedError = report.error() != null && exitCode == 0;
    AttemptOutcome kind =
        stoppedAs != null ? stoppedAs : exitCode == 0 && !reportedError ? AttemptOutcome.SUCCEEDED : AttemptOutcome.FAILED;
    String stopped = "stopped with SIGTERM" + (killed.get() ? ", then SIGKILL after the " + killGrace + " grace period" : "");
    String error =
        switch (kind) {
          case SUCCEEDED -> null;
          case FAILED -> failure(exitCode, report);
          case TIMED_OUT -> "exceeded its timeout of " + spec.timeout() + "; " + stopped;
          case CANCELLED -> "cancelled; " + stopped;
        };
    boolean retryable = kind != AttemptOutcome.FAILED || !report.configurationFailure();
    log.info("Attempt {} ended {} with exit status {} after {}", spec.attemptId(), kind.wireName(), exitCode, elapsed());
    return new SubagentOutcome(kind, exitCode, result(report.message()), logTail, elapsed(), error, report.usage(), retryable);
  }

  /** Why a run failed, with the CLI's own words when it gave any, and whether a retry could help. */
  private static String failure(int exitCode, AgentReport report) {
    String why = report.error() != null ? report.error() + " (exit status " + exitCode + ")" : "exited with status " + exitCode;
    return report.configurationFailure()
        ? why + "; not retried: the agent CLI's configuration (key, login, flags or trust) must be fixed first, see the log tail"
        : why;
  }

  /**
   * The result file if the subagent wrote one, else the final message its CLI reported, else its
   * stdout.
   */
  private String result(String reportedMessage) {
    if (Files.isRegularFile(resultFile)) {
      OutputCapture capture = new OutputCapture(resultMaxBytes);
      try (InputStream in = Files.newInputStream(resultFile)) {
        byte[] buffer = new byte[8192];
        int n;
        while ((n = in.read(buffer)) != -1) {
          capture.write(buffer, 0, n);
        }
        return capture.text("result file");
      } catch (IOException e) {
        log.warn("Attempt {}: cannot read its result file {}, using stdout: {}", spec.attemptId(), resultFile, e.toString());
      }
    }
    if (reportedMessage != null) {
      OutputCapture capture = new OutputCapture(resultMaxBytes);
      byte[] bytes = reportedMessage.getBytes(java.nio.charset.StandardCharsets.UTF_8);
      capture.write(bytes, 0, bytes.length);
      return capture.text("final message");
    }
    synchronized (stdout) {
      return stdout.text("stdout");
    }
  }

  private Duration elapsed() {
    return Duration.ofNanos(System.nanoTime() - startNanos);
  }

  private int exitValueOr(int fallback) {
    return process.isAlive() ? fallback : process.exitValue();
  }
}
