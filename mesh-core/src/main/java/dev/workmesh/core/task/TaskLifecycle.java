package dev.workmesh.core.task;

import dev.workmesh.core.NotFoundException;
import dev.workmesh.core.db.MeshDb;
import dev.workmesh.core.outbox.DispatchRecord;
import dev.workmesh.core.outbox.OutboxWriter;
import dev.workmesh.core.outbox.OutboxWriter.Message;
import dev.workmesh.core.outbox.TaskEvent;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.UUID;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.node.ObjectNode;

/**
 * Every change of a task's status, each checked against {@link TaskTransitions} and written with its
 * events in the caller's transaction. Methods that say "in a transaction" must be called inside one.
 */
public final class TaskLifecycle {

  private final MeshDb db;
  private final OutboxWriter outbox;
  private final TaskStore store;
  private final RetryBackoff backoff;

  public TaskLifecycle(MeshDb db, OutboxWriter outbox, TaskStore store, RetryBackoff backoff) {
    this.db = db;
    this.outbox = outbox;
    this.store = store;
    this.backoff = backoff;
  }

  // --- the guarded status write -------------------------------------------------------------------

  /**
   * Moves a task to {@code to} if the table allows it from its current status; returns the task as it was
   * before (locked for the rest of the transaction). In a transaction.
   */
  MeshTask move(UUID taskId, TaskStatus to, String extraSet, Map<String, ?> params) {
    return move(lock(taskId), to, extraSet, params);
  }

  /** {@link #move} for a task the caller has already locked in this transaction. */
  private MeshTask move(MeshTask before, TaskStatus to, String extraSet, Map<String, ?> params) {
    UUID taskId = before.id();
    TaskTransitions.check(taskId, before.status(), to);
    var statement =
        db.jdbc()
            .sql("UPDATE task SET status = :to, updated_at = :now" + (extraSet.isEmpty() ? "" : ", " + extraSet)
                + " WHERE id = :id")
            .param("to", to.wire())
            .param("now", MeshDb.ts(db.now()))
            .param("id", taskId);
    for (var e : params.entrySet()) {
      statement = statement.param(e.getKey(), e.getValue());
    }
    statement.update();
    return before;
  }

  /**
   * Locks a broadcast task's targets, then the task. A claim locks a target before it marks the task
   * running, so every path that changes a broadcast task's targets takes the locks in the same order;
   * otherwise a claim and a settlement could deadlock. For other tasks it is {@link #lock}. In a
   * transaction.
   */
  MeshTask lockWithTargets(UUID taskId) {
    db.jdbc()
        .sql("SELECT agent_id FROM broadcast_target WHERE task_id = :id ORDER BY agent_id FOR UPDATE")
        .param("id", taskId)
        .query(UUID.class)
        .list();
    return lock(taskId);
  }

  /** Reads a task and locks its row until the transaction ends. In a transaction. */
  MeshTask lock(UUID taskId) {
    return db.jdbc()
        .sql("SELECT " + TaskStore.COLUMNS + " FROM task WHERE id = :id FOR UPDATE")
        .param("id", taskId)
        .query((rs, i) -> TaskStore.mapTask(db, rs))
        .optional()
        .orElseThrow(() -> new NotFoundException("task", taskId));
  }

  void emit(MeshTask task, TaskStatus previous, TaskStatus now, int attempt, UUID agentId, UUID attemptId,
      String reason) {
    outbox.append(OutboxWriter.taskEvent(event(task.id(), task.missionId(), "task." + now.wire(), now, previous,
        attempt, agentId, attemptId, reason)));
  }

  TaskEvent event(UUID taskId, UUID missionId, String type, TaskStatus status, TaskStatus previous, int attempt,
      UUID agentId, UUID attemptId, String reason) {
    return new TaskEvent(OutboxWriter.newEventId(), type, taskId, missionId, status.wire(),
        previous == null ? null : previous.wire(), attempt, agentId, attemptId, reason, db.now());
  }

  // --- becoming ready -----------------------------------------------------------------------------

  /**
   * Makes a task claimable now: status ready, a dispatch record and an event; for broadcast, fixes its
   * targets (the connected agents of its pool holding its capabilities). In a transaction.
   */
  void becomeReady(UUID taskId, String reason) {
    MeshTask before = move(taskId, TaskStatus.READY,
        "ready_at = :now, dispatched_at = :now, available_at = :now, cancel_requested = false", Map.of());
    announceReady(before, before.status(), reason);
  }

  /**
   * What follows a task's arrival in ready, whether it was just submitted ({@code previous} null) or moved:
   * broadcast targets, the dispatch record and the event. In a transaction.
   */
  void announceReady(MeshTask task, TaskStatus previous, String reason) {
    List<UUID> targets = List.of();
    if (task.claimPolicy() == ClaimPolicy.BROADCAST) {
      targets = fixBroadcastTargets(task);
      if (targets.isEmpty()) {
        emit(task, previous, TaskStatus.READY, task.attempt(), null, null, reason);
        settleBroadcast(task.id(), "no connected agent in pool '" + task.pool() + "' holds capabilities "
            + task.requiredCapabilities() + " to broadcast to");
        return;
      }
    } else if (task.claimPolicy() == ClaimPolicy.ASSIGNED) {
      targets = List.of(task.assignedAgent());
    }
    outbox.append(readyMessages(task.id(), task.missionId(), task.claimPolicy(), task.pool(), task.priority(),
        task.requiredCapabilities(), previous, task.attempt(), targets, reason));
  }

  /** The event and the dispatch record of a task arriving in ready. */
  List<Message> readyMessages(UUID taskId, UUID missionId, ClaimPolicy policy, String pool, int priority,
      List<String> capabilities, TaskStatus previous, int attempt, List<UUID> targets, String reason) {
    return List.of(
        OutboxWriter.taskEvent(event(taskId, missionId, "task." + TaskStatus.READY.wire(), TaskStatus.READY, previous,
            attempt, null, null, reason)),
        OutboxWriter.dispatch(new DispatchRecord(taskId, missionId, policy.wire(), pool, priority, capabilities,
            targets, reason, db.now())));
  }

  private List<UUID> fixBroadcastTargets(MeshTask task) {
    db.jdbc()
        .sql("DELETE FROM broadcast_target WHERE task_id = :id AND status <> 'succeeded'")
        .param("id", task.id())
        .update();
    db.jdbc()
        .sql("INSERT INTO broadcast_target (task_id, agent_id, status, available_at)"
            + " SELECT :id, a.id, 'ready', :now FROM agent a"
            + " WHERE a.status = 'connected' AND :pool = ANY(a.pools) AND a.capabilities @> :caps"
            + " AND (CAST(:runtime AS text) IS NULL OR cardinality(a.runtimes) = 0 OR :runtime = ANY(a.runtimes))"
            + " ON CONFLICT (task_id, agent_id) DO NOTHING")
        .param("id", task.id())
        .param("now", MeshDb.ts(db.now()))
        .param("pool", task.pool())
        .param("caps", MeshDb.textArray(task.requiredCapabilities()))
        .param("runtime", task.runtime())
        .update();
    return db.jdbc()
        .sql("SELECT agent_id FROM broadcast_target WHERE task_id = :id AND status = 'ready' ORDER BY agent_id")
        .param("id", task.id())
        .query(UUID.class)
        .list();
  }

  // --- endings --------------------------------------------------------------------------------------

  /** Ends a task successfully and releases its dependents. In a transaction. */
  void succeed(UUID taskId, JsonNode result, UUID agentId, UUID attemptId) {
    succeed(lock(taskId), result, agentId, attemptId);
  }

  private void succeed(MeshTask locked, JsonNode result, UUID agentId, UUID attemptId) {
    UUID taskId = locked.id();
    MeshTask before = move(locked, TaskStatus.SUCCEEDED,
        "result = CAST(:result AS jsonb), error = NULL, finished_at = :now, cancel_requested = false",
        Map.of("result", db.writeJson(result == null ? db.json().nullNode() : result)));
    emit(before, before.status(), TaskStatus.SUCCEEDED, before.attempt(), agentId, attemptId, null);
    releaseDependents(List.of(taskId));
  }

  /** A first_claim or assigned attempt succeeded: so does its task, unless it already ended. In a transaction. */
  public void succeedAttempt(UUID taskId, JsonNode result, UUID agentId, UUID attemptId) {
    MeshTask task = lock(taskId);
    if (!task.status().isTerminal()) {
      succeed(task, result, agentId, attemptId);
    }
  }

  /** A task that a set-based statement moved to succeeded, as it was before: what its event says. */
  public record Succeeded(UUID taskId, UUID missionId, TaskStatus previous, int attempt, UUID agentId,
      UUID attemptId) {}

  /**
   * What follows when one statement has moved several tasks to succeeded (their WHERE clause restricted
   * to {@link TaskTransitions#from}): their events and their released dependents. In a transaction.
   */
  public void succeededTogether(List<Succeeded> tasks) {
    if (tasks.isEmpty()) {
      return;
    }
    outbox.append(tasks.stream()
        .map(t -> OutboxWriter.taskEvent(event(t.taskId(), t.missionId(), "task." + TaskStatus.SUCCEEDED.wire(),
            TaskStatus.SUCCEEDED, t.previous(), t.attempt(), t.agentId(), t.attemptId(), null)))
        .toList());
    releaseDependents(tasks.stream().map(Succeeded::taskId).toList());
  }

  /** Publishes that an attempt was lost, before its task is retried or failed. In a transaction. */
  public void attemptLost(UUID taskId, UUID agentId, UUID attemptId, String reason) {
    MeshTask task = lock(taskId);
    outbox.append(OutboxWriter.taskEvent(event(taskId, task.missionId(), "attempt.lost", task.status(), task.status(),
        task.attempt(), agentId, attemptId, reason)));
  }

  /** Ends a task as failed or cancelled for good, and fails its waiting dependents. In a transaction. */
  void finishBadly(UUID taskId, TaskStatus end, String error, UUID agentId, UUID attemptId) {
    MeshTask before = move(taskId, end, "error = :error, finished_at = :now", Map.of("error", error));
    emit(before, before.status(), end, before.attempt(), agentId, attemptId, error);
    failDependents(taskId, "dependency " + taskId + " " + end.wire() + ": " + error);
  }

  /**
   * After an attempt of a first_claim or assigned task ended without success: cancelled if cancellation
   * was asked for, retried with backoff if attempts are left and the failure is retryable, else failed.
   * In a transaction.
   */
  public void afterBadAttempt(UUID taskId, AttemptOutcome outcome, String error, boolean retryable, UUID agentId,
      UUID attemptId) {
    MeshTask task = lock(taskId);
    if (task.status().isTerminal()) {
      return; // cancelled or failed while the attempt ran; the attempt's own record says how it ended
    }
    if (task.cancelRequested() || outcome == AttemptOutcome.CANCELLED) {
      finishBadly(taskId, TaskStatus.CANCELLED, error == null ? "cancelled" : error, agentId, attemptId);
    } else if (retryable && task.attempt() < task.attemptLimit()) {
      retryAfter(task, backoff.delayAfter(task.attempt()),
          "attempt " + task.attempt() + " " + outcome.wire() + (error == null ? "" : ": " + error));
    } else {
      String why = retryable ? "no attempts left after attempt " + task.attempt() : "not retryable";
      finishBadly(taskId, TaskStatus.FAILED, (error == null ? outcome.wire() : error) + " (" + why + ")", agentId,
          attemptId);
    }
  }

  /** Back to ready now, or to pending until the backoff has passed. In a transaction. */
  void retryAfter(MeshTask task, Duration delay, String reason) {
    if (delay.isZero()) {
      becomeReady(task.id(), "retry: " + reason);
      return;
    }
    Instant due = db.now().plus(delay);
    MeshTask before = move(task.id(), TaskStatus.PENDING, "available_at = :due",
        Map.of("due", MeshDb.ts(due)));
    emit(before, before.status(), TaskStatus.PENDING, before.attempt(), null, null,
        "retry at " + due + " after " + reason);
  }

  // --- dependencies -------------------------------------------------------------------------------

  /** Makes ready the pending dependents of these succeeded tasks whose every dependency has succeeded. */
  private void releaseDependents(List<UUID> succeeded) {
    List<UUID> ready =
        db.jdbc()
            .sql("SELECT t.id FROM task t WHERE t.status = 'pending' AND t.depends_on && :ids"
                + " AND t.available_at <= :now"
                + " AND NOT EXISTS (SELECT 1 FROM task d WHERE d.id = ANY(t.depends_on) AND d.status <> 'succeeded')"
                + " ORDER BY t.id")
            .param("ids", MeshDb.uuidArray(succeeded))
            .param("now", MeshDb.ts(db.now()))
            .query(UUID.class)
            .list();
    for (UUID dependent : ready) {
      becomeReady(dependent, "dependencies succeeded");
    }
  }

  private void failDependents(UUID taskId, String reason) {
    List<UUID> dependents =
        db.jdbc()
            .sql("SELECT id FROM task WHERE status = 'pending' AND depends_on @> ARRAY[CAST(:id AS uuid)] ORDER BY id")
            .param("id", taskId)
            .query(UUID.class)
            .list();
    for (UUID dependent : dependents) {
      finishBadly(dependent, TaskStatus.FAILED, reason, null, null);
    }
  }

  // --- broadcast aggregation ------------------------------------------------------------------------

  /**
   * Settles a broadcast task from its targets: succeeded when every target succeeded (result: agent id to
   * result), failed when a target failed for good or there were no targets, cancelled when cancellation
   * was asked for and no target is still working. Otherwise nothing changes. In a transaction.
   */
  void settleBroadcast(UUID taskId, String noTargetsReason) {
    MeshTask task = lock(taskId);
    if (task.status().isTerminal()) {
      return;
    }
    record Target(UUID agentId, String status, String result, String error) {}
    List<Target> targets =
        db.jdbc()
            .sql("SELECT agent_id, status, result::text AS result, error FROM broadcast_target WHERE task_id = :id"
                + " ORDER BY agent_id")
            .param("id", taskId)
            .query((rs, i) -> new Target(MeshDb.uuid(rs, "agent_id"), rs.getString("status"),
                rs.getString("result"), rs.getString("error")))
            .list();
    if (targets.isEmpty()) {
      finishBadly(taskId, TaskStatus.FAILED, noTargetsReason, null, null);
      return;
    }
    Set<String> working = Set.of("claimed", "running");
    boolean anyWorking = targets.stream().anyMatch(t -> working.contains(t.status()));
    var failed = targets.stream().filter(t -> t.status().equals("failed")).findFirst();
    if (failed.isPresent()) {
      cancelOpenTargets(taskId);
      finishBadly(taskId, TaskStatus.FAILED,
          "target agent " + failed.get().agentId() + " failed: " + failed.get().error(), null, null);
      requestCancelOfLiveAttempts(taskId, anyWorking);
    } else if (task.cancelRequested() && !anyWorking) {
      cancelOpenTargets(taskId);
      finishBadly(taskId, TaskStatus.CANCELLED, "cancelled", null, null);
    } else if (targets.stream().allMatch(t -> t.status().equals("succeeded"))) {
      ObjectNode byAgent = db.json().createObjectNode();
      for (Target t : targets) {
        byAgent.set(t.agentId().toString(), t.result() == null ? db.json().nullNode() : db.json().readTree(t.result()));
      }
      succeed(taskId, byAgent, null, null);
    }
  }

  /**
   * After an attempt of a broadcast task ended: the target is done, retried after a backoff, or failed
   * for good; then the task is settled from its targets. In a transaction.
   */
  public void afterTargetAttempt(UUID taskId, UUID agentId, AttemptOutcome outcome, JsonNode result, String error,
      boolean retryable) {
    MeshTask task = lockWithTargets(taskId);
    int attempts =
        db.jdbc()
            .sql("SELECT attempts FROM broadcast_target WHERE task_id = :id AND agent_id = :agent FOR UPDATE")
            .param("id", taskId)
            .param("agent", agentId)
            .query(Integer.class)
            .single();
    String status;
    Instant availableAt = db.now();
    if (outcome == AttemptOutcome.SUCCEEDED) {
      status = "succeeded";
    } else if (task.status().isTerminal() || task.cancelRequested()) {
      status = "cancelled";
    } else if (outcome != AttemptOutcome.CANCELLED && retryable && attempts < task.maxAttempts()) {
      status = "ready";
      availableAt = availableAt.plus(backoff.delayAfter(attempts));
    } else {
      status = "failed";
      if (outcome == AttemptOutcome.CANCELLED) {
        error = "cancelled by its agent" + (error == null ? "" : ": " + error);
      }
    }
    db.jdbc()
        .sql("UPDATE broadcast_target SET status = :status, available_at = :at, result = CAST(:result AS jsonb),"
            + " error = :error WHERE task_id = :id AND agent_id = :agent")
        .param("status", status)
        .param("at", MeshDb.ts(availableAt))
        .param("result", result == null ? null : db.writeJson(result))
        .param("error", error)
        .param("id", taskId)
        .param("agent", agentId)
        .update();
    settleBroadcast(taskId, "no targets");
  }

  /** A broadcast target gives its claim back: claimable again at once, the attempt not counted. */
  public void releaseTarget(UUID taskId, UUID agentId) {
    db.jdbc()
        .sql("UPDATE broadcast_target SET status = 'ready', attempts = attempts - 1, available_at = :now"
            + " WHERE task_id = :id AND agent_id = :agent")
        .param("now", MeshDb.ts(db.now()))
        .param("id", taskId)
        .param("agent", agentId)
        .update();
  }

  /** The agent started working: claimed becomes running (broadcast: its target). In a transaction. */
  public void started(UUID taskId, UUID agentId, UUID attemptId, boolean broadcast) {
    if (broadcast) {
      db.jdbc()
          .sql("UPDATE broadcast_target SET status = 'running' WHERE task_id = :id AND agent_id = :agent"
              + " AND status = 'claimed'")
          .param("id", taskId)
          .param("agent", agentId)
          .update();
      return;
    }
    MeshTask task = lock(taskId);
    if (task.status() == TaskStatus.CLAIMED) {
      move(taskId, TaskStatus.RUNNING, "", Map.of());
      emit(task, TaskStatus.CLAIMED, TaskStatus.RUNNING, task.attempt(), agentId, attemptId, null);
    }
  }

  /**
   * A claim given back (released by its agent, or lost with a revoked agent): ready again at once, and
   * the attempt is not counted: the task's attempt count goes back down by one, so {@code attempt} counts
   * only the attempts that were spent. In a transaction.
   */
  public void released(UUID taskId, String reason) {
    db.jdbc().sql("UPDATE task SET attempt = greatest(0, attempt - 1) WHERE id = :id").param("id", taskId).update();
    MeshTask task = lock(taskId);
    if (task.cancelRequested()) {
      finishBadly(taskId, TaskStatus.CANCELLED, "cancelled", null, null);
    } else if (!task.status().isTerminal()) {
      becomeReady(taskId, reason);
    }
  }

  private void cancelOpenTargets(UUID taskId) {
    db.jdbc()
        .sql("UPDATE broadcast_target SET status = 'cancelled' WHERE task_id = :id AND status IN ('ready', 'pending')")
        .param("id", taskId)
        .update();
  }

  private void requestCancelOfLiveAttempts(UUID taskId, boolean anyWorking) {
    if (anyWorking) {
      db.jdbc().sql("UPDATE task SET cancel_requested = true WHERE id = :id").param("id", taskId).update();
    }
  }

  // --- operator actions -----------------------------------------------------------------------------

  /**
   * Cancels a task: pending or ready ones end cancelled at once; claimed or running ones get
   * cancellation requested, which their agent sees on its next heartbeat. Idempotent on a task that is
   * already cancelled; a task that ended otherwise is a conflict.
   */
  public MeshTask cancel(UUID taskId) {
    return db.inTransaction(() -> {
      MeshTask task = lockWithTargets(taskId);
      switch (task.status()) {
        case CANCELLED -> { }
        case PENDING -> finishBadly(taskId, TaskStatus.CANCELLED, "cancelled before it was claimed", null, null);
        case READY -> {
          if (task.claimPolicy() == ClaimPolicy.BROADCAST) {
            requestCancel(task);
            settleBroadcast(taskId, "cancelled");
          } else {
            finishBadly(taskId, TaskStatus.CANCELLED, "cancelled before it was claimed", null, null);
          }
        }
        case CLAIMED, RUNNING -> {
          requestCancel(task);
          if (task.claimPolicy() == ClaimPolicy.BROADCAST) {
            cancelOpenTargets(taskId);
            settleBroadcast(taskId, "cancelled");
          }
        }
        case SUCCEEDED, FAILED -> TaskTransitions.check(taskId, task.status(), TaskStatus.CANCELLED);
      }
      return store.get(taskId);
    });
  }

  private void requestCancel(MeshTask task) {
    if (task.cancelRequested()) {
      return;
    }
    db.jdbc().sql("UPDATE task SET cancel_requested = true, updated_at = :now WHERE id = :id")
        .param("id", task.id()).param("now", MeshDb.ts(db.now())).update();
    outbox.append(OutboxWriter.taskEvent(event(task.id(), task.missionId(), "task.cancel_requested", task.status(),
        task.status(), task.attempt(), null, null, "cancellation requested")));
  }

  /**
   * A manual retry of a failed or cancelled task: it gets a fresh budget of {@code max_attempts} and goes
   * back to ready (or pending while a dependency has not succeeded).
   */
  public MeshTask retry(UUID taskId) {
    return db.inTransaction(() -> {
      MeshTask task = lock(taskId);
      if (task.status() != TaskStatus.FAILED && task.status() != TaskStatus.CANCELLED) {
        throw new IllegalTransitionException(taskId, task.status(), TaskStatus.READY);
      }
      db.jdbc()
          .sql("UPDATE task SET attempt_limit = attempt + max_attempts, error = NULL, result = NULL,"
              + " finished_at = NULL, cancel_requested = false WHERE id = :id")
          .param("id", taskId)
          .update();
      boolean dependenciesDone =
          db.jdbc()
              .sql("SELECT NOT EXISTS (SELECT 1 FROM task d WHERE d.id = ANY(:deps) AND d.status <> 'succeeded')")
              .param("deps", MeshDb.uuidArray(task.dependsOn()))
              .query(Boolean.class)
              .single();
      if (dependenciesDone) {
        becomeReady(taskId, "manual retry");
      } else {
        MeshTask before = move(taskId, TaskStatus.PENDING, "available_at = :now", Map.of());
        emit(before, before.status(), TaskStatus.PENDING, before.attempt(), null, null,
            "manual retry; waiting for dependencies");
      }
      return store.get(taskId);
    });
  }

  // --- maintenance ----------------------------------------------------------------------------------

  /**
   * Promotes up to {@code batch} pending tasks whose time has come and whose dependencies all succeeded.
   * Safe to run on several replicas at once (rows are taken with SKIP LOCKED); run it on the leader.
   *
   * @return how many tasks became ready
   */
  public int promoteDue(int batch) {
    return db.inTransaction(() -> {
      List<UUID> due =
          db.jdbc()
              .sql("SELECT t.id FROM task t WHERE t.status = 'pending' AND t.available_at <= :now"
                  + " AND NOT EXISTS (SELECT 1 FROM task d WHERE d.id = ANY(t.depends_on) AND d.status <> 'succeeded')"
                  + " ORDER BY t.available_at LIMIT :n FOR UPDATE OF t SKIP LOCKED")
              .param("now", MeshDb.ts(db.now()))
              .param("n", batch)
              .query(UUID.class)
              .list();
      for (UUID id : due) {
        becomeReady(id, "due");
      }
      return due.size();
    });
  }

  /**
   * Publishes a fresh dispatch record for up to {@code batch} ready tasks whose last one is older than
   * {@code stale}: their record may have been lost, archived, or consumed while no eligible agent had room
   * (invariant 4).
   *
   * @return how many tasks were dispatched again
   */
  public int redispatchStale(Duration stale, int batch) {
    return db.inTransaction(() -> {
      Instant now = db.now();
      List<MeshTask> staleTasks =
          db.jdbc()
              .sql("SELECT " + TaskStore.COLUMNS + " FROM task WHERE status = 'ready' AND dispatched_at < :cutoff"
                  // a spent mission's tasks cannot be claimed: no record until its budget is raised
                  + " AND NOT EXISTS (SELECT 1 FROM mission bm WHERE bm.id = task.mission_id AND bm.budget_exhausted)"
                  + " ORDER BY dispatched_at LIMIT :n FOR UPDATE SKIP LOCKED")
              .param("cutoff", MeshDb.ts(now.minus(stale)))
              .param("n", batch)
              .query((rs, i) -> TaskStore.mapTask(db, rs))
              .list();
      if (staleTasks.isEmpty()) {
        return 0;
      }
      db.jdbc()
          .sql("UPDATE task SET dispatched_at = :now WHERE id = ANY(:ids)")
          .param("now", MeshDb.ts(now))
          .param("ids", MeshDb.uuidArray(staleTasks.stream().map(MeshTask::id).toList()))
          .update();
      List<Message> records = new ArrayList<>();
      for (MeshTask t : staleTasks) {
        List<UUID> targets = switch (t.claimPolicy()) {
          case FIRST_CLAIM -> List.of();
          case ASSIGNED -> List.of(t.assignedAgent());
          case BROADCAST -> openTargets(t.id());
        };
        records.add(OutboxWriter.dispatch(new DispatchRecord(t.id(), t.missionId(), t.claimPolicy().wire(), t.pool(),
            t.priority(), t.requiredCapabilities(), targets, "redispatch", now)));
      }
      outbox.append(records);
      return staleTasks.size();
    });
  }

  private List<UUID> openTargets(UUID taskId) {
    return db.jdbc()
        .sql("SELECT agent_id FROM broadcast_target WHERE task_id = :id AND status = 'ready' ORDER BY agent_id")
        .param("id", taskId)
        .query(UUID.class)
        .list();
  }
}
