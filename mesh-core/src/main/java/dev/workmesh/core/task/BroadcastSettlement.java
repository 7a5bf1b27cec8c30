package dev.workmesh.core.task;

import dev.workmesh.core.broadcast.BroadcastTargets;
import dev.workmesh.core.broadcast.BroadcastTargets.Abandoned;
import dev.workmesh.core.broadcast.BroadcastTargets.Locked;
import dev.workmesh.core.broadcast.BroadcastTargets.Target;
import dev.workmesh.core.broadcast.TargetStatus;
import dev.workmesh.core.db.MeshDb;
import java.time.Instant;
import java.util.List;
import java.util.UUID;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.node.ObjectNode;

/**
 * How a broadcast task follows its targets: each target's attempts end, are retried or fail on their own, and
 * the task settles once they say so. Status writes go through {@link TaskLifecycle} and {@link
 * BroadcastTargets}; every method runs in the caller's transaction.
 */
public final class BroadcastSettlement {

  private final MeshDb db;
  private final TaskLifecycle lifecycle;
  private final BroadcastTargets targets;

  BroadcastSettlement(MeshDb db, TaskLifecycle lifecycle) {
    this.db = db;
    this.lifecycle = lifecycle;
    this.targets = lifecycle.targets();
  }

  /**
   * Settles a broadcast task from its targets: succeeded when every target succeeded (result: agent id to
   * result), failed when a target failed for good or there were no targets, cancelled when cancellation
   * was asked for and no target is still working. Otherwise nothing changes.
   */
  void settle(UUID taskId, String noTargetsReason) {
    MeshTask task = lifecycle.lock(taskId);
    if (task.status().isTerminal()) {
      return;
    }
    List<Target> all = targets.all(taskId);
    if (all.isEmpty()) {
      lifecycle.finishBadly(taskId, TaskStatus.FAILED, noTargetsReason, null, null);
      return;
    }
    boolean anyWorking = all.stream().anyMatch(t -> t.status().isWorking());
    var failed = all.stream().filter(t -> t.status() == TargetStatus.FAILED).findFirst();
    if (failed.isPresent()) {
      targets.cancelOpen(taskId);
      lifecycle.finishBadly(taskId, TaskStatus.FAILED,
          "target agent " + failed.get().agentId() + " failed: " + failed.get().error(), null, null);
      if (anyWorking) {
        // the live attempts hear it at their next heartbeat and stop
        db.jdbc().sql("UPDATE task SET cancel_requested = true WHERE id = :id").param("id", taskId).update();
      }
    } else if (task.cancelRequested() && !anyWorking) {
      targets.cancelOpen(taskId);
      lifecycle.finishBadly(taskId, TaskStatus.CANCELLED, "cancelled", null, null);
    } else if (all.stream().allMatch(t -> t.status() == TargetStatus.SUCCEEDED)) {
      ObjectNode byAgent = db.json().createObjectNode();
      for (Target t : all) {
        byAgent.set(t.agentId().toString(),
            t.resultJson() == null ? db.json().nullNode() : db.json().readTree(t.resultJson()));
      }
      lifecycle.succeed(taskId, byAgent, null, null);
    }
  }

  /**
   * After an attempt of a broadcast task ended: the target is done, retried after a backoff, or failed
   * for good; then the task is settled from its targets.
   */
  public void afterTargetAttempt(UUID taskId, UUID agentId, AttemptOutcome outcome, JsonNode result, String error,
      boolean retryable) {
    MeshTask task = lifecycle.lockWithTargets(taskId);
    Locked target = targets.lock(taskId, agentId);
    TargetStatus to;
    Instant availableAt = db.now();
    if (outcome == AttemptOutcome.SUCCEEDED) {
      to = TargetStatus.SUCCEEDED;
    } else if (task.status().isTerminal() || task.cancelRequested()) {
      to = TargetStatus.CANCELLED;
    } else if (outcome != AttemptOutcome.CANCELLED && retryable && target.attempts() < task.maxAttempts()) {
      to = TargetStatus.READY;
      availableAt = availableAt.plus(lifecycle.retryDelay(target.attempts()));
    } else {
      to = TargetStatus.FAILED;
      if (outcome == AttemptOutcome.CANCELLED) {
        error = "cancelled by its agent" + (error == null ? "" : ": " + error);
      }
    }
    targets.record(taskId, agentId, target.status(), to, availableAt, result, error);
    settle(taskId, "no targets");
  }

  /** A target gives its claim back: claimable again at once, the attempt not counted. */
  public void releaseTarget(UUID taskId, UUID agentId) {
    targets.release(taskId, agentId);
  }

  /** Cancels a broadcast task's open targets and settles it (the task is being cancelled). */
  void cancel(UUID taskId) {
    targets.cancelOpen(taskId);
    settle(taskId, "cancelled");
  }

  /**
   * An open target whose agent disconnected or was revoked before it claimed fails for good, with no attempt
   * spent, and its task settles (it fails, as when a target fails). Returns how many of up to {@code batch}
   * such targets it failed; targets or agents another transaction holds are left for the next call.
   */
  public int failAbandonedTargets(int batch, String reason) {
    return db.inTransaction(() -> {
      int failed = 0;
      for (Abandoned target : targets.abandoned(batch)) {
        // Failing one target settles its task, which cancels the task's other open targets: re-check each.
        if (targets.stillAbandoned(target)) {
          afterTargetAttempt(target.taskId(), target.agentId(), AttemptOutcome.LOST, null, reason, false);
          failed++;
        }
      }
      return failed;
    });
  }
}
