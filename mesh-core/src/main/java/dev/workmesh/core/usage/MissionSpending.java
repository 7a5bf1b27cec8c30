package dev.workmesh.core.usage;

import dev.workmesh.core.db.MeshDb;
import java.math.BigDecimal;
import java.util.List;
import java.util.UUID;
import org.springframework.jdbc.support.SqlArrayValue;

/**
 * Adds the usage of ended attempts to what their missions have spent, in the transaction of the reports
 * that carried it: a mission's budget then holds back its next claim at once (the claim reads the
 * mission's {@code budget_exhausted} flag). One statement per transaction; the missions are locked in id
 * order, so two batches that touch the same missions cannot deadlock on them.
 */
public final class MissionSpending {

  /** The usage reported with the end of one attempt of this task. */
  public record Spent(UUID taskId, AttemptUsage usage) {}

  private static final String SPEND_SQL = """
      WITH spent AS (
        SELECT t.mission_id, sum(s.input) AS input, sum(s.output) AS output, sum(s.cost) AS cost
        FROM unnest(CAST(:tasks AS uuid[]), CAST(:inputs AS bigint[]), CAST(:outputs AS bigint[]),
                    CAST(:costs AS numeric[])) AS s(task_id, input, output, cost)
        JOIN task t ON t.id = s.task_id
        GROUP BY t.mission_id
      ),
      locked AS (
        SELECT m.id FROM mission m JOIN spent ON spent.mission_id = m.id ORDER BY m.id FOR UPDATE OF m
      )
      UPDATE mission m SET spent_input_tokens = m.spent_input_tokens + spent.input,
             spent_output_tokens = m.spent_output_tokens + spent.output, spent_cost_usd = m.spent_cost_usd + spent.cost
      FROM spent, locked WHERE m.id = spent.mission_id AND locked.id = m.id
      """;

  private final MeshDb db;

  public MissionSpending(MeshDb db) {
    this.db = db;
  }

  /** Adds these usages to their missions' spent sums. In the caller's transaction. */
  public void spend(List<Spent> spent) {
    List<Spent> real = spent.stream().filter(s -> s.usage() != null).toList();
    if (real.isEmpty()) {
      return;
    }
    int n = real.size();
    UUID[] tasks = new UUID[n];
    Long[] inputs = new Long[n];
    Long[] outputs = new Long[n];
    BigDecimal[] costs = new BigDecimal[n];
    for (int i = 0; i < n; i++) {
      tasks[i] = real.get(i).taskId();
      inputs[i] = real.get(i).usage().inputTokens();
      outputs[i] = real.get(i).usage().outputTokens();
      costs[i] = real.get(i).usage().costOrZero();
    }
    db.jdbc()
        .sql(SPEND_SQL)
        .param("tasks", new SqlArrayValue("uuid", (Object[]) tasks))
        .param("inputs", new SqlArrayValue("int8", (Object[]) inputs))
        .param("outputs", new SqlArrayValue("int8", (Object[]) outputs))
        .param("costs", new SqlArrayValue("numeric", (Object[]) costs))
        .update();
  }
}
