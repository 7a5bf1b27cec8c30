package dev.workmesh.core.task;

import dev.workmesh.client.model.TaskRequest;
import dev.workmesh.core.Ids;
import dev.workmesh.core.NotFoundException;
import dev.workmesh.core.ValidationException;
import dev.workmesh.core.ValidationException.Violation;
import dev.workmesh.core.db.MeshDb;
import dev.workmesh.core.outbox.OutboxWriter;
import dev.workmesh.core.outbox.OutboxWriter.Message;
import dev.workmesh.core.task.SubmissionStatement.Row;
import dev.workmesh.core.task.TaskValidator.Valid;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.UUID;
import org.springframework.dao.DataIntegrityViolationException;

/**
 * Submits tasks, one or a batch in one transaction. A submission with an idempotency key already used in
 * the mission returns the existing task and says it was a replay (invariant 6), also when duplicates race:
 * the unique index decides, not a read-then-write. A submission without dependencies, parent, assigned
 * agent or broadcast is one statement and one round trip to the database, however many tasks it holds.
 */
public final class TaskSubmitter {

  /**
   * The task as stored, and whether it already existed under the same idempotency key.
   *
   * @param agents the connected agents counted against a first_claim task submitted alone, by the statement
   *     that inserted it ({@link #submit}); null for a replay, {@link #submitAll}, or another claim policy
   */
  public record Submitted(MeshTask task, boolean replay, AgentCounts agents) {

    public Submitted(MeshTask task, boolean replay) {
      this(task, replay, null);
    }
  }

  private final MeshDb db;
  private final TaskStore store;
  private final TaskLifecycle lifecycle;
  private final OutboxWriter outbox;

  public TaskSubmitter(MeshDb db, TaskStore store, TaskLifecycle lifecycle, OutboxWriter outbox) {
    this.db = db;
    this.store = store;
    this.lifecycle = lifecycle;
    this.outbox = outbox;
  }

  /**
   * Submits one task. A first_claim task comes back with the connected agents counted against it ({@link
   * Submitted#agents()}), from the statement that inserted it: what its submitter is told about who can claim
   * it costs no other round trip.
   */
  public Submitted submit(UUID missionId, TaskRequest task, String submittedBy) {
    return submit(missionId, List.of(task), submittedBy, true).getFirst();
  }

  /**
   * Submits every task or none. Violations of all tasks are reported together, with paths such as {@code
   * [2].priority}.
   *
   * @param submittedBy who asked: an agent id or "operator", kept with the task
   */
  public List<Submitted> submitAll(UUID missionId, List<TaskRequest> tasks, String submittedBy) {
    return submit(missionId, tasks, submittedBy, false);
  }

  /** @param alone a single submission: a first_claim task comes back with the agents counted against it */
  private List<Submitted> submit(UUID missionId, List<TaskRequest> tasks, String submittedBy, boolean alone) {
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
    boolean references = valid.stream()
        .anyMatch(v -> !v.dependsOn().isEmpty() || v.parentTaskId() != null || v.assignedAgent() != null);
    boolean broadcast = valid.stream().anyMatch(v -> v.claimPolicy() == ClaimPolicy.BROADCAST);
    try {
      if (!references && !broadcast) {
        return write(missionId, valid, Map.of(), submittedBy, alone); // one statement: its own transaction
      }
      return db.inTransaction(() -> {
        if (!missionExists(missionId)) {
          throw new NotFoundException("mission", missionId);
        }
        Map<UUID, TaskStatus> referenced = referencedTasks(valid);
        checkReferences(valid, referenced, tasks.size() == 1 ? "" : null);
        return write(missionId, valid, referenced, submittedBy, alone);
      });
    } catch (DataIntegrityViolationException e) {
      // The mission is a foreign key: a submission to one that does not exist fails the insert.
      if (!missionExists(missionId)) {
        throw new NotFoundException("mission", missionId);
      }
      throw e;
    }
  }

  private boolean missionExists(UUID missionId) {
    return db.jdbc().sql("SELECT EXISTS (SELECT 1 FROM mission WHERE id = :id)").param("id", missionId)
        .query(Boolean.class).single();
  }

  /**
   * Inserts the tasks with their events and dispatch records in one statement ({@link SubmissionStatement});
   * replays of an idempotency key are read back in one more, and broadcast tasks fix their targets after.
   */
  private List<Submitted> write(UUID missionId, List<Valid> valid, Map<UUID, TaskStatus> referenced,
      String submittedBy, boolean alone) {
    Instant now = db.now();
    List<Row> rows = new ArrayList<>(valid.size());
    for (Valid v : valid) {
      rows.add(row(missionId, v, referenced, now));
    }
    boolean countAgents = alone && valid.getFirst().claimPolicy() == ClaimPolicy.FIRST_CLAIM;
    Map<UUID, SubmissionStatement.Inserted> inserted = new HashMap<>();
    for (SubmissionStatement.Inserted row : SubmissionStatement.insert(db, missionId, submittedBy, now, rows,
        countAgents)) {
      inserted.put(row.task().id(), row);
    }
    if (!inserted.isEmpty()) {
      outbox.appended();
    }
    Map<String, MeshTask> replayed = replayed(missionId, rows, inserted);
    List<Submitted> results = new ArrayList<>(rows.size());
    for (Row row : rows) {
      SubmissionStatement.Inserted written = inserted.get(row.id());
      MeshTask task = written == null ? null : written.task();
      if (task == null) {
        results.add(new Submitted(replayed.get(row.task().idempotencyKey()), true));
      } else if (task.claimPolicy() == ClaimPolicy.BROADCAST) {
        if (row.initial() == TaskStatus.READY) {
          lifecycle.announceReady(task, null, "submitted");
        }
        // A broadcast task with no one to broadcast to has failed already.
        results.add(new Submitted(store.get(task.id()), false));
      } else {
        results.add(new Submitted(task, false, written.agents()));
      }
    }
    return results;
  }

  /** Decides a new task's initial status and the outbox messages it writes (a broadcast's come later). */
  private Row row(UUID missionId, Valid v, Map<UUID, TaskStatus> referenced, Instant now) {
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
    List<Message> messages = switch (initial) {
      case READY -> v.claimPolicy() == ClaimPolicy.BROADCAST ? List.of()
          : lifecycle.readyMessages(id, missionId, v.claimPolicy(), v.pool(), v.priority(), v.requiredCapabilities(),
              null, 0, v.assignedAgent() == null ? List.of() : List.of(v.assignedAgent()), "submitted");
      case FAILED -> List.of(event(id, missionId, TaskStatus.FAILED, failedDependency));
      default -> List.of(event(id, missionId, TaskStatus.PENDING,
          dependenciesDone ? "waiting until " + v.notBefore() : "waiting for dependencies"));
    };
    return new Row(id, v, initial, timeCame ? now : v.notBefore(), failedDependency, messages);
  }

  private Message event(UUID taskId, UUID missionId, TaskStatus status, String reason) {
    return OutboxWriter.taskEvent(
        lifecycle.event(taskId, missionId, "task." + status.wire(), status, null, 0, null, null, reason));
  }

  /** The tasks already stored under the idempotency keys of the rows that were not inserted, by key. */
  private Map<String, MeshTask> replayed(UUID missionId, List<Row> rows,
      Map<UUID, SubmissionStatement.Inserted> inserted) {
    List<String> keys = rows.stream().filter(r -> !inserted.containsKey(r.id()))
        .map(r -> r.task().idempotencyKey()).distinct().toList();
    Map<String, MeshTask> byKey = new HashMap<>();
    if (!keys.isEmpty()) {
      db.jdbc()
          .sql("SELECT " + TaskStore.COLUMNS + " FROM task WHERE mission_id = :mission AND idempotency_key = ANY(:keys)")
          .param("mission", missionId)
          .param("keys", MeshDb.textArray(keys))
          .query((rs, i) -> TaskStore.mapTask(db, rs))
          .list()
          .forEach(task -> byKey.put(task.idempotencyKey(), task));
    }
    return byKey;
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
