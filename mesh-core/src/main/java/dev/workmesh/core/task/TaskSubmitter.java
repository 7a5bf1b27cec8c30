package dev.workmesh.core.task;

import dev.workmesh.core.Ids;
import dev.workmesh.core.NotFoundException;
import dev.workmesh.core.ValidationException;
import dev.workmesh.core.ValidationException.Violation;
import dev.workmesh.core.db.MeshDb;
import dev.workmesh.core.task.TaskValidator.Valid;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.UUID;

/**
 * Submits tasks, one or a batch in one transaction. A submission with an idempotency key already used in
 * the mission returns the existing task and says it was a replay (invariant 6), also when duplicates race:
 * the unique index decides, not a read-then-write.
 */
public final class TaskSubmitter {

  /** The task as stored, and whether it already existed under the same idempotency key. */
  public record Submitted(MeshTask task, boolean replay) {}

  private static final String INSERT =
      "INSERT INTO task (id, mission_id, title, description, claim_policy, assigned_agent, pool, required_capabilities,"
          + " priority, runtime, input, max_attempts, attempt_limit, timeout_ms, not_before, depends_on, parent_task_id,"
          + " idempotency_key, status, error, available_at, submitted_by, created_at, ready_at, dispatched_at,"
          + " finished_at, updated_at)"
          + " VALUES (:id, :mission, :title, :description, :policy, :assigned, :pool, :caps, :priority, :runtime,"
          + " CAST(:input AS jsonb), :maxAttempts, :maxAttempts, :timeoutMs, :notBefore, :deps, :parent, :key, :status,"
          + " :error, :availableAt, :submittedBy, :now, :readyAt, :readyAt, :finishedAt, :now)"
          + " ON CONFLICT (mission_id, idempotency_key) WHERE idempotency_key IS NOT NULL DO NOTHING"
          + " RETURNING " + TaskStore.COLUMNS;

  private final MeshDb db;
  private final TaskStore store;
  private final TaskLifecycle lifecycle;

  public TaskSubmitter(MeshDb db, TaskStore store, TaskLifecycle lifecycle) {
    this.db = db;
    this.store = store;
    this.lifecycle = lifecycle;
  }

  public Submitted submit(UUID missionId, NewTask task, String submittedBy) {
    return submitAll(missionId, List.of(task), submittedBy).getFirst();
  }

  /**
   * Submits every task or none. Violations of all tasks are reported together, with paths such as {@code
   * [2].priority}.
   *
   * @param submittedBy who asked: an agent id or "operator", kept with the task
   */
  public List<Submitted> submitAll(UUID missionId, List<NewTask> tasks, String submittedBy) {
    if (tasks.isEmpty()) {
      throw ValidationException.of("tasks", "must contain at least one task");
    }
    List<Violation> violations = new ArrayList<>();
    List<Valid> valid = new ArrayList<>(tasks.size());
    for (int i = 0; i < tasks.size(); i++) {
      valid.add(TaskValidator.validate(tasks.get(i), tasks.size() == 1 ? "" : "[" + i + "].", violations));
    }
    if (!violations.isEmpty()) {
      throw new ValidationException(violations);
    }
    return db.inTransaction(() -> {
      Boolean missionExists =
          db.jdbc().sql("SELECT EXISTS (SELECT 1 FROM mission WHERE id = :id)").param("id", missionId)
              .query(Boolean.class).single();
      if (!missionExists) {
        throw new NotFoundException("mission", missionId);
      }
      Map<UUID, TaskStatus> referenced = referencedTasks(valid);
      checkReferences(valid, referenced, tasks.size() == 1 ? "" : null);
      List<Submitted> results = new ArrayList<>(valid.size());
      for (Valid v : valid) {
        results.add(insert(missionId, v, referenced, submittedBy));
      }
      return results;
    });
  }

  private Submitted insert(UUID missionId, Valid v, Map<UUID, TaskStatus> referenced, String submittedBy) {
    Instant now = db.now();
    UUID id = Ids.uuidV7(db.clock());
    String failedDependency = null;
    boolean dependenciesDone = true;
    for (UUID dep : v.dependsOn()) {
      TaskStatus status = referenced.get(dep);
      if (status == TaskStatus.FAILED || status == TaskStatus.CANCELLED) {
        failedDependency = "dependency " + dep + " " + status.wire();
      } else if (status != TaskStatus.SUCCEEDED) {
        dependenciesDone = false;
      }
    }
    boolean timeCame = v.notBefore() == null || !v.notBefore().isAfter(now);
    TaskStatus initial = failedDependency != null ? TaskStatus.FAILED
        : dependenciesDone && timeCame ? TaskStatus.READY : TaskStatus.PENDING;
    Instant availableAt = timeCame ? now : v.notBefore();
    Optional<MeshTask> inserted =
        db.jdbc()
            .sql(INSERT)
            .param("id", id)
            .param("mission", missionId)
            .param("title", v.title())
            .param("description", v.description())
            .param("policy", v.claimPolicy().wire())
            .param("assigned", v.assignedAgent())
            .param("pool", v.pool())
            .param("caps", MeshDb.textArray(v.requiredCapabilities()))
            .param("priority", v.priority())
            .param("runtime", v.runtime())
            .param("input", v.input() == null ? "{}" : db.writeJson(v.input()))
            .param("maxAttempts", v.maxAttempts())
            .param("timeoutMs", v.timeout() == null ? null : v.timeout().toMillis())
            .param("notBefore", MeshDb.ts(v.notBefore()))
            .param("deps", MeshDb.uuidArray(v.dependsOn()))
            .param("parent", v.parentTaskId())
            .param("key", v.idempotencyKey())
            .param("status", initial.wire())
            .param("error", failedDependency)
            .param("availableAt", MeshDb.ts(availableAt))
            .param("submittedBy", submittedBy)
            .param("now", MeshDb.ts(now))
            .param("readyAt", initial == TaskStatus.READY ? MeshDb.ts(now) : null)
            .param("finishedAt", initial == TaskStatus.FAILED ? MeshDb.ts(now) : null)
            .query((rs, i) -> TaskStore.mapTask(db, rs))
            .optional();
    if (inserted.isEmpty()) {
      UUID existing =
          db.jdbc()
              .sql("SELECT id FROM task WHERE mission_id = :mission AND idempotency_key = :key")
              .param("mission", missionId)
              .param("key", v.idempotencyKey())
              .query(UUID.class)
              .single();
      return new Submitted(store.get(existing), true);
    }
    MeshTask task = inserted.get();
    switch (initial) {
      case READY -> lifecycle.announceReady(task, null, "submitted");
      case FAILED -> lifecycle.emit(task, null, TaskStatus.FAILED, 0, null, null, failedDependency);
      default -> lifecycle.emit(task, null, TaskStatus.PENDING, 0, null, null,
          dependenciesDone ? "waiting until " + v.notBefore() : "waiting for dependencies");
    }
    // A broadcast task with no one to broadcast to has failed already; other tasks are as inserted.
    return new Submitted(task.claimPolicy() == ClaimPolicy.BROADCAST ? store.get(id) : task, false);
  }

  /** Status of every task named in depends_on or parent_task_id. */
  private Map<UUID, TaskStatus> referencedTasks(List<Valid> valid) {
    Set<UUID> ids = new HashSet<>();
    for (Valid v : valid) {
      ids.addAll(v.dependsOn());
      if (v.parentTaskId() != null) {
        ids.add(v.parentTaskId());
      }
    }
    Map<UUID, TaskStatus> statuses = new HashMap<>();
    if (!ids.isEmpty()) {
      db.jdbc()
          .sql("SELECT id, status FROM task WHERE id = ANY(:ids)")
          .param("ids", MeshDb.uuidArray(List.copyOf(ids)))
          .query(rs -> {
            statuses.put(MeshDb.uuid(rs, "id"), TaskStatus.fromWire(rs.getString("status")));
          });
    }
    return statuses;
  }

  private void checkReferences(List<Valid> valid, Map<UUID, TaskStatus> referenced, String singlePrefix) {
    List<Violation> violations = new ArrayList<>();
    Set<UUID> agents = new HashSet<>();
    for (Valid v : valid) {
      if (v.assignedAgent() != null) {
        agents.add(v.assignedAgent());
      }
    }
    Set<UUID> knownAgents = new HashSet<>();
    if (!agents.isEmpty()) {
      knownAgents.addAll(
          db.jdbc()
              .sql("SELECT id FROM agent WHERE id = ANY(:ids) AND status <> 'revoked'")
              .param("ids", MeshDb.uuidArray(List.copyOf(agents)))
              .query(UUID.class)
              .list());
    }
    for (int i = 0; i < valid.size(); i++) {
      Valid v = valid.get(i);
      String path = singlePrefix != null ? singlePrefix : "[" + i + "].";
      for (UUID dep : v.dependsOn()) {
        if (!referenced.containsKey(dep)) {
          violations.add(new Violation(path + "depends_on", "task " + dep + " does not exist"));
        }
      }
      if (v.parentTaskId() != null && !referenced.containsKey(v.parentTaskId())) {
        violations.add(new Violation(path + "parent_task_id", "task " + v.parentTaskId() + " does not exist"));
      }
      if (v.assignedAgent() != null && !knownAgents.contains(v.assignedAgent())) {
        violations.add(new Violation(path + "assigned_agent",
            "agent " + v.assignedAgent() + " is not enrolled (or was revoked); list agents with GET /work/agents"));
      }
    }
    if (!violations.isEmpty()) {
      throw new ValidationException(violations);
    }
  }
}
