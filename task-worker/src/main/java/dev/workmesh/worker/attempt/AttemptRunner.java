package dev.workmesh.worker.attempt;

import dev.workmesh.client.MeshApiException;
import dev.workmesh.client.model.ClaimView;
import dev.workmesh.client.model.HeartbeatsResponse;
import dev.workmesh.client.model.TaskView;
import dev.workmesh.worker.BoundedWait;
import dev.workmesh.worker.WorkerMetrics;
import dev.workmesh.worker.attempt.RunningAttempt.StopReason;
import dev.workmesh.worker.dispatch.ClaimIntake;
import dev.workmesh.worker.dispatch.Slots;
import dev.workmesh.worker.mesh.GuardedMeshClient;
import dev.workmesh.worker.mesh.MeshUnavailableException;
import dev.workmesh.worker.spool.ReportSender;
import dev.workmesh.worker.subagent.AttemptOutcome;
import dev.workmesh.worker.subagent.AttemptSpec;
import dev.workmesh.worker.subagent.InProcessRuntime;
import dev.workmesh.worker.subagent.Subagent;
import dev.workmesh.worker.subagent.SubagentLaunchException;
import dev.workmesh.worker.subagent.SubagentLauncher;
import dev.workmesh.worker.subagent.SubagentOutcome;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.UUID;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CompletionException;
import java.util.concurrent.Executors;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Runs each won claim as an attempt: picks the runtime (or hands the task back when this worker lacks
 * it), launches the subagent, renews the lease once it has run for {@code first-heartbeat-after} (which
 * also marks the task running) and then at every heartbeat interval, and reports the outcome. An attempt
 * that ends sooner reports without a heartbeat: its task goes from claimed to its outcome, and a short
 * task costs the mesh one request and one transaction less. Leases are renewed many per request (see {@link
 * LeaseRenewer}), and reports of attempts that end together go in one request (see {@link ReportSender}).
 *
 * <ul>
 *   <li>A heartbeat answering {@code cancel_requested} stops the subagent; the report is {@code fail}
 *       with outcome cancelled.
 *   <li>A heartbeat answering 409 means the claim was lost (lease lapsed and rescued): the subagent is
 *       stopped at once and nothing is reported, since the task may already run elsewhere. Once the
 *       subagent has ended and the attempt reports, a 409 means only that a heartbeat in flight
 *       crossed that report; were the claim lost, the report gets 409 too and says so.
 *   <li>A heartbeat that cannot reach the API is tried again next interval; the subagent keeps going.
 * </ul>
 *
 * Once the subagent has ended, the attempt's slot is free for the next claim while the report is on its
 * way, when the agent has room for that (see {@link Slots}); otherwise it is released when the report is
 * delivered or spooled.
 */
public final class AttemptRunner implements ClaimIntake {

  private static final Logger log = LoggerFactory.getLogger(AttemptRunner.class);
  /** How long a task handed back for want of its runtime is not claimed again from a Kafka record. */
  static final Duration DECLINE_MEMORY = Duration.ofMinutes(2);

  private final GuardedMeshClient api;
  private final SubagentLauncher launcher;
  private final RuntimeChoice runtimes;
  private final ReportSender reports;
  private final WorkerMetrics metrics;
  private final LeaseRenewer renewer;
  private final Map<String, InProcessRuntime> inProcessRuntimes;
  private final Duration heartbeatInterval;
  private final Duration firstHeartbeatAfter;
  private final ScheduledExecutorService firstHeartbeats =
      Executors.newSingleThreadScheduledExecutor(Thread.ofPlatform().daemon().name("first-heartbeats").factory());
  private final String apiUrl;
  private final Map<UUID, RunningAttempt> attempts = new ConcurrentHashMap<>();
  private final Map<UUID, Instant> declinedUntil = new ConcurrentHashMap<>();
  private final CompletableFuture<Void> graceEnded = new CompletableFuture<>();
  private final AtomicBoolean shortLeaseWarned = new AtomicBoolean();
  private volatile boolean accepting = true;

  public AttemptRunner(
      GuardedMeshClient api,
      SubagentLauncher launcher,
      RuntimeChoice runtimes,
      ReportSender reports,
      WorkerMetrics metrics,
      Duration heartbeatInterval,
      Duration firstHeartbeatAfter,
      Duration batchWindow,
      Map<String, InProcessRuntime> inProcessRuntimes,
      String apiUrl) {
    this.api = api;
    this.launcher = launcher;
    this.runtimes = runtimes;
    this.reports = reports;
    this.metrics = metrics;
    this.renewer = new LeaseRenewer(api, metrics, batchWindow);
    this.inProcessRuntimes = Map.copyOf(inProcessRuntimes);
    this.heartbeatInterval = heartbeatInterval;
    this.firstHeartbeatAfter = firstHeartbeatAfter;
    this.apiUrl = apiUrl;
  }

  @Override
  public void accept(ClaimView claim, Slots.Permit slot, String source) {
    RunningAttempt attempt = new RunningAttempt(claim, slot, source, System.nanoTime());
    attempts.put(attempt.attemptId(), attempt);
    warnIfLeaseIsShort(claim);
    Thread.ofVirtual().name("attempt-" + claim.attemptId()).start(() -> run(attempt));
  }

  @Override
  public boolean declined(UUID taskId) {
    Instant until = declinedUntil.get(taskId);
    if (until == null) {
      return false;
    }
    if (until.isBefore(Instant.now())) {
      declinedUntil.remove(taskId, until);
      return false;
    }
    return true;
  }

  @Override
  public boolean holds(UUID taskId) {
    return attempts.values().stream().anyMatch(a -> a.taskId().equals(taskId));
  }

  /** Attempts won and not yet reported. */
  public int running() {
    return attempts.size();
  }

  private void run(RunningAttempt attempt) {
    TaskView task = attempt.claim.task();
    try {
      if (!accepting) {
        handBack(attempt, "the worker is shutting down");
        return;
      }
      Optional<String> runtime = runtimes.runtimeFor(task);
      if (runtime.isEmpty() || !runtimes.offers(runtime.get())) {
        declinedUntil.put(task.id(), Instant.now().plus(DECLINE_MEMORY));
        handBack(attempt, runtime.isEmpty()
            ? "it names no runtime and this worker offers none of " + RuntimeChoice.AGENT_CLIS + " (set task-worker.default-runtime)"
            : "its runtime '" + runtime.get() + "' is not available on this worker (it offers " + runtimes.offered() + ")");
        return;
      }
      attempt.runtime(runtime.get());
      launch(attempt, runtime.get());
    } catch (RuntimeException e) {
      log.error("Attempt {} of task {} failed inside the worker", attempt.attemptId(), task.id(), e);
      finish(attempt, () -> reports.send(AttemptReports.launchFailed(attempt.claim, "the worker failed to run the attempt: " + e)));
    }
  }

  private void launch(RunningAttempt attempt, String runtime) {
    TaskView task = attempt.claim.task();
    Subagent subagent;
    try {
      AttemptSpec spec =
          new AttemptSpec(
              task.id(), task.missionId(), attempt.attemptId(), attempt.claim.claimToken(), task.title(),
              task.description(), runtime, task.input(), timeoutOf(attempt), apiUrl);
      InProcessRuntime inProcess = inProcessRuntimes.get(runtime);
      subagent = inProcess != null ? inProcess.start(spec) : launcher.launch(spec);
    } catch (SubagentLaunchException | IllegalArgumentException e) {
      log.warn("Attempt {} of task {} could not start: {}", attempt.attemptId(), task.id(), e.getMessage());
      metrics.spawned(runtime, "launch_failed", null);
      finish(attempt, () -> reports.send(AttemptReports.launchFailed(attempt.claim, e.getMessage())));
      return;
    }
    metrics.spawnLatency(runtime, Duration.ofNanos(System.nanoTime() - attempt.wonAtNanos));
    log.info("Running task {} ('{}') as attempt {} with runtime '{}' (claimed via {})", task.id(), task.title(),
        attempt.attemptId(), runtime, attempt.source);
    attempt.started(subagent);
    // The next claim need not wait for this one's output to be collected and its report built.
    subagent.exited().whenComplete((ignored, error) -> attempt.slot.freeForReport());
    if (firstHeartbeatAfter.isZero()) {
      heartbeat(attempt);
    } else {
      attempt.firstHeartbeatScheduled = true;
      try {
        firstHeartbeats.schedule(() -> {
          attempt.firstHeartbeatScheduled = false;
          heartbeat(attempt);
        }, firstHeartbeatAfter.toNanos(), TimeUnit.NANOSECONDS);
      } catch (RejectedExecutionException closing) {
        attempt.firstHeartbeatScheduled = false;
        heartbeat(attempt);
      }
    }
    subagent.outcome().whenComplete(
        (outcome, error) -> Thread.ofVirtual().name("report-" + attempt.attemptId()).start(() -> ended(attempt, outcome, error)));
  }

  private static Duration timeoutOf(RunningAttempt attempt) {
    try {
      return TaskTimeouts.parse(attempt.claim.task().timeout());
    } catch (IllegalArgumentException e) {
      throw new IllegalArgumentException(e.getMessage() + "; this worker cannot enforce it", e);
    }
  }

  /**
   * Renews every running attempt's lease, except those still waiting for their first heartbeat; called
   * every heartbeat interval (one request for all of them).
   */
  public void renewLeases() {
    attempts.values().stream().filter(a -> !a.firstHeartbeatScheduled).forEach(this::heartbeat);
  }

  private void heartbeat(RunningAttempt attempt) {
    if (attempt.done.isDone() || !attempt.renewing() || !attempt.heartbeatInFlight.compareAndSet(false, true)) {
      return;
    }
    renewer.renew(attempt).whenComplete((result, error) -> {
      try {
        if (error != null) {
          heartbeatFailed(attempt, error instanceof CompletionException c && c.getCause() != null ? c.getCause() : error);
        } else if (result.accepted()) {
          renewed(attempt, result);
        } else {
          heartbeatRefused(attempt, result);
        }
      } catch (RuntimeException e) {
        metrics.loopError("attempt-heartbeat");
        log.error("Handling the heartbeat of attempt {} failed", attempt.attemptId(), e);
      } finally {
        attempt.heartbeatInFlight.set(false);
      }
    });
  }

  private void renewed(RunningAttempt attempt, HeartbeatsResponse.Result result) {
    if (attempt.heartbeatFailing) {
      attempt.heartbeatFailing = false;
      log.info("Heartbeats of attempt {} reach mesh-api again", attempt.attemptId());
    }
    if (result.cancelled() && attempt.stop(StopReason.CANCEL_REQUESTED)) {
      log.info("Task {} was cancelled; stopping attempt {}", attempt.taskId(), attempt.attemptId());
    }
  }

  private void heartbeatRefused(RunningAttempt attempt, HeartbeatsResponse.Result result) {
    if (result.status() != null && result.status() == 409) {
      if (attempt.stop(StopReason.CLAIM_LOST)) {
        log.warn("Attempt {} of task {} lost its claim (heartbeat got 409: {}); stopping its subagent, not reporting",
            attempt.attemptId(), attempt.taskId(), result.detail());
      } else if (attempt.ended()) {
        log.debug("A heartbeat of attempt {} crossed the attempt's own report and got 409", attempt.attemptId());
      }
    } else {
      log.warn("Heartbeat of attempt {} refused ({}): {}", attempt.attemptId(), result.status(), result.detail());
    }
  }

  private void heartbeatFailed(RunningAttempt attempt, Throwable error) {
    if (error instanceof MeshUnavailableException e) {
      if (!attempt.heartbeatFailing) {
        attempt.heartbeatFailing = true;
        log.warn("Heartbeat of attempt {} failed, trying again every {}: {}", attempt.attemptId(), heartbeatInterval, e.getMessage());
      }
    } else if (error instanceof MeshApiException e) {
      log.warn("Heartbeat of attempt {} refused: {}", attempt.attemptId(), e.getMessage());
    } else {
      metrics.loopError("attempt-heartbeat");
      log.error("Heartbeat of attempt {} failed", attempt.attemptId(), error);
    }
  }

  private void ended(RunningAttempt attempt, SubagentOutcome outcome, Throwable error) {
    StopReason reason = attempt.end();
    String kind = reason == StopReason.CLAIM_LOST || reason == StopReason.REVOKED ? "lost" : outcome == null ? "failed" : outcome.outcome().wireName();
    metrics.spawned(attempt.runtime(), kind, outcome == null ? null : outcome.duration());
    if (outcome != null && outcome.usage() != null) {
      metrics.usage(attempt.runtime(), outcome.usage());
    }
    if (error != null || outcome == null) {
      log.error("Supervising attempt {} failed", attempt.attemptId(), error);
      finish(attempt, () -> reports.send(AttemptReports.launchFailed(attempt.claim, "the worker lost track of the subagent: " + error)));
      return;
    }
    if (reason == StopReason.CLAIM_LOST) {
      finish(attempt, () -> log.info("Attempt {} of task {} ended after its claim was lost; not reporting", attempt.attemptId(), attempt.taskId()));
      return;
    }
    if (reason == StopReason.REVOKED) {
      finish(attempt, () -> log.info("Attempt {} of task {} was stopped because this agent was revoked; not reporting",
          attempt.attemptId(), attempt.taskId()));
      return;
    }
    if (reason == StopReason.SHUTDOWN && outcome.outcome() == AttemptOutcome.CANCELLED) {
      finish(attempt, () -> releaseClaim(attempt, "the worker shut down before it finished"));
      return;
    }
    finish(attempt, () -> reports.send(AttemptReports.of(attempt.claim, outcome)));
  }

  /** Hands the claim back without running it. */
  private void handBack(RunningAttempt attempt, String why) {
    log.info("Handing task {} back ({}): {}", attempt.taskId(), attempt.source, why);
    finish(attempt, () -> releaseClaim(attempt, why));
  }

  private void releaseClaim(RunningAttempt attempt, String why) {
    try {
      api.release(attempt.taskId(), attempt.claim.claimToken(), why);
      metrics.reported("release", "delivered");
      log.info("Released task {} (attempt {}): {}", attempt.taskId(), attempt.attemptId(), why);
    } catch (MeshApiException e) {
      metrics.reported("release", e.isConflict() ? "rejected" : "refused");
      log.info("Release of task {} was not taken ({}); the claim is gone already", attempt.taskId(), e.getMessage());
    } catch (MeshUnavailableException e) {
      metrics.reported("release", "failed");
      log.warn("Could not release task {} ({}); its lease lapses and the mesh rescues it", attempt.taskId(), e.getMessage());
    }
  }

  private void finish(RunningAttempt attempt, Runnable report) {
    attempt.slot.freeForReport();
    try {
      report.run();
    } catch (RuntimeException e) {
      metrics.loopError("attempt-report");
      log.error("Reporting attempt {} of task {} failed", attempt.attemptId(), attempt.taskId(), e);
    } finally {
      attempts.remove(attempt.attemptId(), attempt);
      attempt.slot.release();
      attempt.done.complete(null);
    }
  }

  private void warnIfLeaseIsShort(ClaimView claim) {
    if (claim.leaseExpiresAt() == null) {
      return;
    }
    Duration lease = Duration.between(Instant.now(), claim.leaseExpiresAt());
    if (lease.compareTo(heartbeatInterval.multipliedBy(2)) < 0 && shortLeaseWarned.compareAndSet(false, true)) {
      log.warn("mesh-api grants leases of about {}, but task-worker.attempt-heartbeat-interval is {}: lower the interval to"
          + " a third of the lease or claims will be lost", lease, heartbeatInterval);
    }
  }

  // --- shutdown ----------------------------------------------------------------------------------------------

  /**
   * The agent was revoked: nothing more is accepted, and every subagent is stopped at once (SIGTERM,
   * SIGKILL after the kill grace) without a report, as when a claim is lost: the mesh requeues these
   * tasks elsewhere, and letting them run on would make two copies.
   */
  public void revoked() {
    accepting = false;
    List<RunningAttempt> left = List.copyOf(attempts.values());
    if (!left.isEmpty()) {
      log.warn("This agent was revoked: stopping {} running attempt(s) without reporting them", left.size());
    }
    left.forEach(a -> a.stop(StopReason.REVOKED));
  }

  /** From now on every claim that arrives is handed back at once. */
  public void stopAccepting() {
    accepting = false;
  }

  /**
   * Waits until every attempt has reported, at most {@code limit}, or until {@link #endGrace} is called.
   * Returns whether none is left.
   */
  public boolean awaitIdle(Duration limit) {
    List<RunningAttempt> running = List.copyOf(attempts.values());
    CompletableFuture<Object> idleOrGraceEnded = CompletableFuture.anyOf(
        CompletableFuture.allOf(running.stream().map(a -> a.done).toArray(CompletableFuture[]::new)), graceEnded);
    return BoundedWait.completes(idleOrGraceEnded, limit) && attempts.isEmpty();
  }

  /** Ends the shutdown grace now: {@link #awaitIdle} returns at once, so what runs is stopped and released. */
  public void endGrace() {
    graceEnded.complete(null);
  }

  /**
   * Stops every attempt still running and hands its task back with {@code release}; waits at most
   * {@code limit} for that.
   */
  public void cancelAndRelease(Duration limit) {
    List<RunningAttempt> left = List.copyOf(attempts.values());
    if (left.isEmpty()) {
      return;
    }
    log.info("Stopping {} attempt(s) still running and releasing their tasks", left.size());
    left.forEach(a -> a.stop(StopReason.SHUTDOWN));
    if (!BoundedWait.completes(CompletableFuture.allOf(left.stream().map(a -> a.done).toArray(CompletableFuture[]::new)), limit)) {
      log.warn("{} attempt(s) had not ended {} after being stopped", attempts.size(), limit);
    }
  }

  /** Stops renewing leases; call once every attempt has reported. */
  public void close() {
    firstHeartbeats.shutdownNow();
    renewer.close();
  }
}
