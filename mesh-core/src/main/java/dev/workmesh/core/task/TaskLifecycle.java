package dev.workmesh.core.task;

import dev.workmesh.core.NotFoundException;
import dev.workmesh.core.broadcast.BroadcastTargets;
import dev.workmesh.core.db.MeshDb;
import dev.workmesh.client.wire.DispatchRecord;
import dev.workmesh.core.outbox.OutboxWriter;
import dev.workmesh.core.outbox.OutboxWriter.Message;
import dev.workmesh.core.outbox.TaskEvent;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import tools.jackson.databind.JsonNode;

/**
 * Every change of a task's status, each checked against {@link TaskTransitions} and written with its
 * events in the caller's transaction. Methods that say "in a transaction" must be called inside one.
 */
public final class TaskLifecycle {

  private final MeshDb db;
  private final OutboxWriter outbox;
  private final RetryBackoff backoff;
  private final BroadcastTargets targets;
  private final BroadcastSettlement broadcast;

  public TaskLifecycle(MeshDb db, OutboxWriter outbox, RetryBackoff backoff) {
    this.db = db;
    this.outbox = outbox;
    this.backoff = backoff;
    this.targets = new BroadcastTargets(db);
    this.broadcast = new BroadcastSettlement(db, this);
  }

  /** How broadcast tasks settle from their targets; it shares this lifecycle's transaction rules. */
  public BroadcastSettlement broadcast() {
    return broadcast;
  }

  BroadcastTargets targets() {
    return targets;
  }

  /** How long a task, or a broadcast target, waits before its next attempt after {@code attempts} attempts. */
  Duration retryDelay(int attempts) {
    return backoff.delayAfter(attempts);
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
    targets.lockAll(taskId);
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
      targets = this.targets.fix(task.id(), task.pool(), task.requiredCapabilities(), task.runtime());
      if (targets.isEmpty()) {
        emit(task, previous, TaskStatus.READY, task.attempt(), null, null, reason);
        broadcast.settle(task.id(), "no connected agent in pool '" + task.pool() + "' holds capabilities "
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

  /**
   * Fresh dispatch records, stamped {@code now}, for ready tasks whose last one may be lost: to the same
   * agents as their first (assigned: the assignee; broadcast: the targets still waiting). In a transaction.
   */
  void dispatchAgain(List<MeshTask> readyTasks, Instant now) {
    List<Message> records = new ArrayList<>();
    for (MeshTask t : readyTasks) {
      List<UUID> to = switch (t.claimPolicy()) {
        case FIRST_CLAIM -> List.of();
        case ASSIGNED -> List.of(t.assignedAgent());
        case BROADCAST -> targets.ready(t.id());
      };
      records.add(OutboxWriter.dispatch(new DispatchRecord(t.id(), t.missionId(), t.claimPolicy().wire(), t.pool(),
          t.priority(), t.requiredCapabilities(), to, "redispatch", now)));
    }
    outbox.append(records);
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

  /**
   * A first_claim or assigned attempt succeeded: so does its task, unless it already ended. Returns the task's
   * claim policy. In a transaction.
   */
  public ClaimPolicy succeedAttempt(UUID taskId, JsonNode result, UUID agentId, UUID attemptId) {
    MeshTask task = lock(taskId);
    if (!task.status().isTerminal()) {
      succeed(task, result, agentId, attemptId);
    }
    return task.claimPolicy();
  }

  /**
   * What follows when one statement has moved tasks to succeeded and written their events to the outbox
   * (its WHERE clause restricted to {@link TaskTransitions#from}): the relay hears of the events, and those
   * of {@code candidates}, the pending dependents of those tasks that the statement found, whose every
   * dependency has now succeeded become ready. In the caller's transaction, or, after a statement that
   * committed on its own, in one of their own: the scheduler's maintenance promotes any a crash leaves
   * behind.
   */
  public void succeededTogether(List<UUID> candidates) {
    outbox.appended();
    if (!candidates.isEmpty()) {
      db.inTransaction(() -> releaseReady(PENDING + " AND t.id = ANY(:ids)", candidates));
    }
  }

  /**
   * What follows when one statement has moved claimed tasks to running and written their events to the
   * outbox (a batch of heartbeats): the relay hears of the events.
   */
  public void startedTogether() {
    outbox.appended();
  }

  /**
   * Asks the agent holding a claimed or running task to stop it; the agent hears at its next heartbeat.
   * Once is enough: a second request changes nothing. In a transaction.
   */
  void requestCancel(MeshTask task) {
    if (task.cancelRequested()) {
      return;
    }
    db.jdbc().sql("UPDATE task SET cancel_requested = true, updated_at = :now WHERE id = :id")
        .param("id", task.id()).param("now", MeshDb.ts(db.now())).update();
    outbox.append(OutboxWriter.taskEvent(event(task.id(), task.missionId(), "task.cancel_requested", task.status(),
        task.status(), task.attempt(), null, null, "cancellation requested")));
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
   * Returns the task's claim policy. In a transaction.
   */
  public ClaimPolicy afterBadAttempt(UUID taskId, AttemptOutcome outcome, String error, boolean retryable,
      UUID agentId, UUID attemptId) {
    MeshTask task = lock(taskId);
    if (task.status().isTerminal()) {
      return task.claimPolicy(); // cancelled or failed while the attempt ran; the attempt's record says how it ended
    }
    if (task.cancelRequested() || outcome == AttemptOutcome.CANCELLED) {
      finishBadly(taskId, TaskStatus.CANCELLED, error == null ? "cancelled" : error, agentId, attemptId);
    } else if (retryable && task.attempt() < task.attemptLimit()) {
      retryAfter(task, retryDelay(task.attempt()),
          "attempt " + task.attempt() + " " + outcome.wire() + (error == null ? "" : ": " + error));
    } else {
      String why = retryable ? "no attempts left after attempt " + task.attempt() : "not retryable";
      finishBadly(taskId, TaskStatus.FAILED, (error == null ? outcome.wire() : error) + " (" + why + ")", agentId,
          attemptId);
    }
    return task.claimPolicy();
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

  /**
   * A pending task, with {@code :pendingStatus} bound to {@link #PENDING_STATUS}. mesh-api's connections keep
   * the plan they made at a statement's first use ({@code plan_cache_mode=force_generic_plan}), mostly while
   * few tasks are pending; with the status a literal, such a plan scans a partial index of the pending tasks
   * it then believes nearly empty, and reads every pending task (delayed, waiting for dependencies) where it
   * looks for a few. PostgreSQL uses a partial index only where the query implies the index's predicate,
   * which a status given as a parameter never does: pending tasks named by id are found by primary key.
   */
  public static final String PENDING = "t.status = :pendingStatus";

  public static final String PENDING_STATUS = TaskStatus.PENDING.wire();

  /**
   * The pending tasks that depend on any of the tasks of an array expression, found by the index of tasks
   * with dependencies ({@code task_depends_on}) however many tasks are pending: see {@link #PENDING}.
   */
  public static String pendingDependentsOf(String tasks) {
    return PENDING + " AND t.depends_on <> '{}' AND t.depends_on && " + tasks;
  }

  /** Makes ready the pending dependents of these succeeded tasks whose every dependency has succeeded. */
  private void releaseDependents(List<UUID> succeeded) {
    releaseReady(pendingDependentsOf(":ids"), succeeded);
  }

  /**
   * Makes ready the pending tasks matching {@code which} (over {@code :ids}, with {@link #PENDING}) that are
   * due and whose every dependency has succeeded. Locked with SKIP LOCKED: one the maintenance loop is
   * promoting is its to promote. In a transaction.
   */
  private void releaseReady(String which, List<UUID> ids) {
    List<UUID> ready =
        db.jdbc()
            .sql("SELECT t.id FROM task t WHERE " + which + " AND t.available_at <= :now"
                + " AND NOT EXISTS (SELECT 1 FROM task d WHERE d.id = ANY(t.depends_on) AND d.status <> 'succeeded')"
                + " ORDER BY t.id FOR UPDATE OF t SKIP LOCKED")
            .param("pendingStatus", PENDING_STATUS)
            .param("ids", MeshDb.uuidArray(ids))
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
            .sql("SELECT t.id FROM task t WHERE " + pendingDependentsOf("ARRAY[CAST(:id AS uuid)]") + " ORDER BY t.id")
            .param("pendingStatus", PENDING_STATUS)
            .param("id", taskId)
            .query(UUID.class)
            .list();
    for (UUID dependent : dependents) {
      finishBadly(dependent, TaskStatus.FAILED, reason, null, null);
    }
  }

  // --- claims given back and started -------------------------------------------------------------

  /** The agent started working: claimed becomes running (broadcast: its target). In a transaction. */
  public void started(UUID taskId, UUID agentId, UUID attemptId, boolean broadcast) {
    if (broadcast) {
      targets.start(taskId, agentId);
      return;
    }
    TaskTransitions.check(taskId, TaskStatus.CLAIMED, TaskStatus.RUNNING);
    db.jdbc()
        .sql("UPDATE task SET status = 'running', updated_at = :now WHERE id = :id AND status = 'claimed'"
            + " RETURNING " + TaskStore.COLUMNS)
        .param("now", MeshDb.ts(db.now()))
        .param("id", taskId)
        .query((rs, i) -> TaskStore.mapTask(db, rs))
        .optional()
        .ifPresent(task ->
            emit(task, TaskStatus.CLAIMED, TaskStatus.RUNNING, task.attempt(), agentId, attemptId, null));
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
}
