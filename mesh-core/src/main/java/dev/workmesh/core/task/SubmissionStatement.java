package dev.workmesh.core.task;

import dev.workmesh.core.db.MeshDb;
import dev.workmesh.core.outbox.OutboxWriter.Message;
import dev.workmesh.core.task.TaskValidator.Valid;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;

/**
 * Writes the new tasks of one submission and their outbox rows in one SQL statement: a multi-row {@code
 * INSERT ... ON CONFLICT DO NOTHING RETURNING} of the tasks and, in the same statement, the outbox rows of
 * exactly the tasks it inserted (a task whose idempotency key was taken writes none). One round trip for a
 * task or a batch of a thousand; alone, the statement is its own transaction.
 */
final class SubmissionStatement {

  /** One task to insert, with its initial state decided and the outbox messages it writes if inserted. */
  record Row(UUID id, Valid task, TaskStatus initial, Instant availableAt, String error, List<Message> messages) {}

  /** The submission's own columns ({@link TaskColumns}), then the state the engine starts it in. */
  private static final String COLUMNS = "id, mission_id, " + TaskColumns.NAMES + ", attempt_limit, status, error,"
      + " available_at, submitted_by, created_at, ready_at, dispatched_at, finished_at, updated_at";

  /** The values of row {@code #}; parameters ending in {@code #} are the row's own. */
  private static final String ROW = "(:id#, :mission, " + TaskColumns.values("#") + ", :attemptLimit#, :status#,"
      + " :error#, :availableAt#, :submittedBy, :now, :readyAt#, :readyAt#, :finishedAt#, :now)";

  private static final String OUTBOX =
      "o AS (INSERT INTO outbox (topic, message_key, payload, created_at)"
          + " SELECT m.topic, m.message_key, CAST(m.payload AS json), :now"
          + " FROM unnest(CAST(:topics AS text[]), CAST(:keys AS text[]), CAST(:payloads AS text[]),"
          + " CAST(:taskIds AS uuid[])) WITH ORDINALITY AS m(topic, message_key, payload, task_id, ord)"
          + " WHERE m.task_id IN (SELECT id FROM t) ORDER BY m.ord)";

  /** A task the statement inserted, with the agents counted against it when they were asked for. */
  record Inserted(MeshTask task, AgentCounts agents) {}

  private SubmissionStatement() {}

  /**
   * Inserts the rows that do not replay an idempotency key; returns the inserted tasks, in no set order.
   *
   * @param countAgents whether to count, in the same statement, the connected agents against each inserted
   *     task's requirements ({@link AgentCounts}); otherwise {@link Inserted#agents()} is null
   */
  static List<Inserted> insert(MeshDb db, UUID missionId, String submittedBy, Instant now, List<Row> rows,
      boolean countAgents) {
    StringBuilder sql = new StringBuilder("WITH t AS (INSERT INTO task (").append(COLUMNS).append(") VALUES ");
    Map<String, Object> params = new HashMap<>();
    params.put("mission", missionId);
    params.put("submittedBy", submittedBy);
    params.put("now", MeshDb.ts(now));
    List<String> topics = new ArrayList<>();
    List<String> keys = new ArrayList<>();
    List<String> payloads = new ArrayList<>();
    List<UUID> taskIds = new ArrayList<>();
    for (int i = 0; i < rows.size(); i++) {
      Row row = rows.get(i);
      Valid v = row.task();
      if (i > 0) {
        sql.append(", ");
      }
      sql.append(ROW.replace("#", "_" + i));
      params.put("id_" + i, row.id());
      TaskColumns.bind(db, v.request(), "_" + i, params);
      params.put("attemptLimit_" + i, v.maxAttempts());
      params.put("status_" + i, row.initial().wire());
      params.put("error_" + i, row.error());
      params.put("availableAt_" + i, MeshDb.ts(row.availableAt()));
      params.put("readyAt_" + i, row.initial() == TaskStatus.READY ? MeshDb.ts(now) : null);
      params.put("finishedAt_" + i, row.initial() == TaskStatus.FAILED ? MeshDb.ts(now) : null);
      for (Message m : row.messages()) {
        topics.add(m.topic());
        keys.add(m.key());
        payloads.add(db.writeJson(m.payload()));
        taskIds.add(row.id());
      }
    }
    sql.append(" ON CONFLICT (mission_id, idempotency_key) WHERE idempotency_key IS NOT NULL DO NOTHING RETURNING ")
        .append(TaskStore.COLUMNS).append(countAgents ? ", accepted_runtimes), " : "), ").append(OUTBOX)
        .append(countAgents ? " SELECT * FROM t" + AgentCounts.JOIN : " SELECT * FROM t");
    params.put("topics", MeshDb.textArray(topics));
    params.put("keys", MeshDb.textArray(keys));
    params.put("payloads", MeshDb.textArray(payloads));
    params.put("taskIds", MeshDb.uuidArray(taskIds));
    return db.jdbc().sql(sql.toString()).params(params)
        .query((rs, i) -> new Inserted(TaskStore.mapTask(db, rs), countAgents ? AgentCounts.map(rs) : null))
        .list();
  }
}
