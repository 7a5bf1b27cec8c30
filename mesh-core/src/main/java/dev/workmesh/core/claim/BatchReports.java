package dev.workmesh.core.claim;

import dev.workmesh.core.Ids;
import dev.workmesh.core.MeshException;
import dev.workmesh.core.ValidationException;
import dev.workmesh.core.db.MeshDb;
import dev.workmesh.core.task.TaskLifecycle;
import dev.workmesh.core.task.TaskStatus;
import dev.workmesh.core.task.TaskTransitions;
import dev.workmesh.core.usage.AttemptUsage;
import dev.workmesh.core.usage.MissionSpending;
import dev.workmesh.core.usage.MissionSpending.Spent;
import java.math.BigDecimal;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.UUID;
import java.util.stream.Collectors;
import org.springframework.jdbc.support.SqlArrayValue;
import dev.workmesh.core.claim.AttemptReports.Report;
import dev.workmesh.core.claim.AttemptReports.Reported;

/**
 * Many reports of one agent in one request and one transaction ({@code POST /work/reports}): the
 * completions of first_claim and assigned attempts in one statement, the rest one by one through {@link
 * AttemptReports}, each fenced by its own claim token.
 */
public final class BatchReports {

  private final MeshDb db;
  private final TaskLifecycle lifecycle;
  private final AttemptReports oneByOne;
  private final MissionSpending spending;

  public BatchReports(MeshDb db, TaskLifecycle lifecycle, AttemptReports reports) {
    this.db = db;
    this.lifecycle = lifecycle;
    this.oneByOne = reports;
    this.spending = new MissionSpending(db);
  }

  /**
   * Applies a batch of reports in one transaction. Each is fenced by its own claim token and judged on
   * its own: a stale one is refused (in the answer) and the others stand. Completions of first_claim and
   * assigned attempts, the common case, are written by one statement for the whole batch; the rest go
   * one by one, each behind a savepoint. Invalid input (a missing token, a bad outcome, a task twice)
   * refuses the whole batch with a {@link ValidationException} before anything is written.
   *
   * @param agentId the reporting agent, or null for an operator
   * @return one answer per report, in the order given
   */
  public List<Reported> reportAll(UUID agentId, List<Report> reports) {
    validateBatch(reports);
    return db.inTransaction(() -> {
      Map<UUID, Reported> answers =
          completeTogether(agentId, reports.stream().filter(r -> r.completion() != null).toList());
      List<Spent> spent = new ArrayList<>();
      for (Report r : reports) {
        AttemptUsage usage = r.completion() != null ? r.completion().usage() : r.failure().usage();
        if (answers.containsKey(r.taskId())) {
          spent.add(new Spent(r.taskId(), usage));
          continue;
        }
        try {
          String policy = db.inSavepoint(() -> {
            if (r.completion() != null) {
              oneByOne.completeIn(r.taskId(), r.claimToken(), agentId, r.completion());
            } else {
              oneByOne.failIn(r.taskId(), r.claimToken(), agentId, r.failure());
            }
            return db.jdbc().sql("SELECT claim_policy FROM task WHERE id = :id").param("id", r.taskId())
                .query(String.class).single();
          });
          answers.put(r.taskId(), Reported.accepted(r.taskId(), policy));
          spent.add(new Spent(r.taskId(), usage));
        } catch (MeshException refused) {
          answers.put(r.taskId(), Reported.refused(r.taskId(), refused));
        }
      }
      spending.spend(spent);
      Map<UUID, TaskStatus> statuses = statusesOf(answers.values().stream()
          .filter(a -> a.accepted() && a.taskStatus() == null).map(Reported::taskId).toList());
      return reports.stream().map(r -> answers.get(r.taskId()))
          .map(a -> a.accepted() && a.taskStatus() == null ? a.withTaskStatus(statuses.get(a.taskId())) : a).toList();
    });
  }

  /** The status of each of these tasks now, in the caller's transaction. */
  private Map<UUID, TaskStatus> statusesOf(List<UUID> taskIds) {
    Map<UUID, TaskStatus> statuses = new HashMap<>();
    if (!taskIds.isEmpty()) {
      db.jdbc().sql("SELECT id, status FROM task WHERE id = ANY(:ids)")
          .param("ids", new SqlArrayValue("uuid", taskIds.toArray()))
          .query((rs, i) -> statuses.put(MeshDb.uuid(rs, "id"), TaskStatus.fromWire(rs.getString("status"))))
          .list();
    }
    return statuses;
  }

  /**
   * One statement for the live, non-broadcast attempts among these completions: ends the attempts
   * succeeded and moves their tasks to succeeded (unless a task already ended, as {@link
   * TaskLifecycle#succeedAttempt} leaves it). Returns the tasks it handled; the others (stale, someone
   * else's, broadcast) are left for the one-by-one path, which says why. In a transaction.
   */
  private Map<UUID, Reported> completeTogether(UUID agentId, List<Report> completions) {
    Map<UUID, Reported> handled = new HashMap<>();
    if (completions.isEmpty()) {
      return handled;
    }
    int n = completions.size();
    UUID[] tasks = new UUID[n];
    byte[][] hashes = new byte[n][];
    String[] results = new String[n];
    Integer[] exits = new Integer[n];
    String[] tails = new String[n];
    String[] models = new String[n];
    Long[] inputs = new Long[n];
    Long[] outputs = new Long[n];
    BigDecimal[] costs = new BigDecimal[n];
    for (int i = 0; i < n; i++) {
      Report r = completions.get(i);
      tasks[i] = r.taskId();
      hashes[i] = Ids.sha256(r.claimToken());
      results[i] = db.writeJson(r.completion().result());
      exits[i] = r.completion().exitCode();
      tails[i] = AttemptReports.tail(r.completion().logTail());
      AttemptUsage usage = r.completion().usage();
      if (usage != null) {
        models[i] = usage.model();
        inputs[i] = usage.inputTokens();
        outputs[i] = usage.outputTokens();
        costs[i] = usage.costUsd();
      }
    }
    String fromStates = TaskTransitions.from(TaskStatus.SUCCEEDED).stream()
        .map(st -> "'" + st.wire() + "'").collect(Collectors.joining(", "));
    List<TaskLifecycle.Succeeded> moved = new ArrayList<>();
    db.jdbc()
        .sql(COMPLETE_TOGETHER_SQL.formatted(fromStates))
        .param("tasks", new SqlArrayValue("uuid", (Object[]) tasks))
        .param("hashes", new SqlArrayValue("bytea", (Object[]) hashes))
        .param("results", new SqlArrayValue("text", (Object[]) results))
        .param("exits", new SqlArrayValue("int4", (Object[]) exits))
        .param("tails", new SqlArrayValue("text", (Object[]) tails))
        .param("models", new SqlArrayValue("text", (Object[]) models))
        .param("inputs", new SqlArrayValue("int8", (Object[]) inputs))
        .param("outputs", new SqlArrayValue("int8", (Object[]) outputs))
        .param("costs", new SqlArrayValue("numeric", (Object[]) costs))
        .param("agent", agentId, java.sql.Types.OTHER)
        .param("now", MeshDb.ts(db.now()))
        .query((rs, i) -> {
          UUID taskId = MeshDb.uuid(rs, "task_id");
          // Its status now: succeeded, or as it was when it had already ended.
          TaskStatus status =
              rs.getBoolean("moved") ? TaskStatus.SUCCEEDED : TaskStatus.fromWire(rs.getString("previous"));
          handled.put(taskId, Reported.accepted(taskId, rs.getString("claim_policy")).withTaskStatus(status));
          if (rs.getBoolean("moved")) {
            moved.add(new TaskLifecycle.Succeeded(taskId, MeshDb.uuid(rs, "mission_id"),
                TaskStatus.fromWire(rs.getString("previous")), rs.getInt("attempt"), MeshDb.uuid(rs, "agent_id"),
                MeshDb.uuid(rs, "attempt_id")));
          }
          return taskId;
        })
        .list();
    lifecycle.succeededTogether(moved);
    return handled;
  }

  /** {@code %1$s}: the task states from which succeeded may be reached. */
  private static final String COMPLETE_TOGETHER_SQL = """
      WITH report AS (
        SELECT * FROM unnest(CAST(:tasks AS uuid[]), CAST(:hashes AS bytea[]), CAST(:results AS text[]),
                             CAST(:exits AS int[]), CAST(:tails AS text[]), CAST(:models AS text[]),
                             CAST(:inputs AS bigint[]), CAST(:outputs AS bigint[]), CAST(:costs AS numeric[]))
          AS r(task_id, hash, result, exit_code, log_tail, usage_model, input_tokens, output_tokens, cost_usd)
      ),
      live AS (
        SELECT a.id, a.task_id, a.agent_id, r.result, r.exit_code, r.log_tail, r.usage_model, r.input_tokens,
               r.output_tokens, r.cost_usd
        FROM attempt a JOIN report r ON a.task_id = r.task_id AND a.claim_token_hash = r.hash
        WHERE a.outcome IS NULL AND NOT a.broadcast AND (CAST(:agent AS uuid) IS NULL OR a.agent_id = :agent)
        FOR UPDATE OF a
      ),
      before AS (
        SELECT t.id, t.mission_id, t.status, t.attempt, t.claim_policy
        FROM task t JOIN live l ON t.id = l.task_id FOR UPDATE OF t
      ),
      ended AS (
        UPDATE attempt a SET outcome = 'succeeded', finished_at = :now, result = CAST(l.result AS jsonb),
               error = NULL, exit_code = l.exit_code, log_tail = l.log_tail, usage_model = l.usage_model,
               input_tokens = l.input_tokens, output_tokens = l.output_tokens, cost_usd = l.cost_usd
        FROM live l WHERE a.id = l.id
        RETURNING a.id, a.task_id, a.agent_id
      ),
      moved AS (
        UPDATE task t SET status = 'succeeded', updated_at = :now, result = COALESCE(CAST(l.result AS jsonb), 'null'),
               error = NULL, finished_at = :now, cancel_requested = false
        FROM live l, before b WHERE t.id = l.task_id AND b.id = t.id AND b.status IN (%1$s)
        RETURNING t.id
      )
      SELECT e.id AS attempt_id, e.task_id, e.agent_id, b.mission_id, b.status AS previous, b.attempt,
             b.claim_policy, m.id IS NOT NULL AS moved
      FROM ended e JOIN before b ON b.id = e.task_id LEFT JOIN moved m ON m.id = e.task_id
      """;

  private static void validateBatch(List<Report> reports) {
    if (reports.isEmpty() || reports.size() > AttemptReports.MAX_BATCH) {
      throw ValidationException.of("reports", "must hold between 1 and " + AttemptReports.MAX_BATCH + " reports");
    }
    Set<UUID> seen = new HashSet<>();
    for (int i = 0; i < reports.size(); i++) {
      Report r = reports.get(i);
      String at = "reports[" + i + "]";
      if (r.taskId() == null) {
        throw ValidationException.of(at + ".task_id", "is required");
      }
      if (!seen.add(r.taskId())) {
        throw ValidationException.of(at + ".task_id", "names task " + r.taskId() + " a second time in this batch");
      }
      if (r.claimToken() == null || r.claimToken().isBlank()) {
        throw ValidationException.of(at + ".claim_token", "is required: the token returned by the claim");
      }
      if ((r.completion() == null) == (r.failure() == null)) {
        throw ValidationException.of(at, "must be either a completion or a failure");
      }
      if (r.completion() != null) {
        AttemptReports.checkResult(at + ".result", r.completion().result());
        AttemptReports.checkUsage(at + ".usage", r.completion().usage());
      } else {
        AttemptReports.checkOutcome(at + ".outcome", r.failure());
        AttemptReports.checkUsage(at + ".usage", r.failure().usage());
      }
    }
  }
}
