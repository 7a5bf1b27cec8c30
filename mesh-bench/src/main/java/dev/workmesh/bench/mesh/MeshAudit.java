package dev.workmesh.bench.mesh;

import com.zaxxer.hikari.HikariDataSource;
import dev.workmesh.bench.report.Audit;
import dev.workmesh.testsupport.TestDatabase;
import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.UUID;

/**
 * The exactly-once audit of a Workmesh scenario, from its database: every task the clients submitted
 * exists, succeeded, had exactly one attempt (and that attempt succeeded), and its outbox holds exactly
 * one {@code task.claimed} and one {@code task.succeeded} event; no task exists that nobody submitted.
 * The clients' ledger adds its side: no task was started twice by the workers.
 */
final class MeshAudit {

  private static final String PER_TASK = """
      SELECT t.id, t.status, t.attempt,
             count(a.id) AS attempts,
             count(a.id) FILTER (WHERE a.outcome = 'succeeded') AS succeeded_attempts
      FROM task t LEFT JOIN attempt a ON a.task_id = t.id
      WHERE t.submitted_by <> '%s'
      GROUP BY t.id, t.status, t.attempt
      """.formatted(MeshHistory.SUBMITTER);

  private static final String EVENTS = """
      SELECT payload->>'task_id' AS task_id,
             count(*) FILTER (WHERE payload->>'type' = 'task.claimed') AS claimed,
             count(*) FILTER (WHERE payload->>'type' = 'task.succeeded') AS succeeded
      FROM outbox WHERE topic = 'mesh.task-events'
      GROUP BY 1
      """;

  private record TaskRow(String status, int attemptCounter, long attempts, long succeededAttempts) {}

  private record Events(long claimed, long succeeded) {}

  private MeshAudit() {}

  static Audit run(TestDatabase database, Set<UUID> submitted, ClaimLedger ledger) {
    Map<UUID, TaskRow> tasks = new HashMap<>();
    Map<UUID, Events> events = new HashMap<>();
    long unpublished;
    try (HikariDataSource ds = database.newDataSource(1); Connection c = ds.getConnection();
        Statement s = c.createStatement()) {
      try (ResultSet rs = s.executeQuery(PER_TASK)) {
        while (rs.next()) {
          tasks.put(rs.getObject("id", UUID.class), new TaskRow(rs.getString("status"), rs.getInt("attempt"),
              rs.getLong("attempts"), rs.getLong("succeeded_attempts")));
        }
      }
      try (ResultSet rs = s.executeQuery(EVENTS)) {
        while (rs.next()) {
          events.put(UUID.fromString(rs.getString("task_id")),
              new Events(rs.getLong("claimed"), rs.getLong("succeeded")));
        }
      }
      try (ResultSet rs = s.executeQuery("SELECT count(*) FROM outbox WHERE published_at IS NULL")) {
        rs.next();
        unpublished = rs.getLong(1);
      }
    } catch (SQLException e) {
      throw new IllegalStateException("could not audit " + database + ": " + e.getMessage(), e);
    }

    long once = 0;
    long duplicates = 0;
    long lost = 0;
    List<String> problems = new ArrayList<>();
    for (UUID id : submitted) {
      TaskRow row = tasks.get(id);
      Events ev = events.getOrDefault(id, new Events(0, 0));
      ClaimLedger.Entry seen = ledger.entries().get(id);
      int clientClaims = seen == null ? 0 : seen.claims.get();
      if (row == null) {
        lost++;
        note(problems, "task " + id + " was submitted but is not in the database");
        continue;
      }
      boolean duplicated = row.attempts() > 1 || row.attemptCounter() > 1 || ev.claimed() > 1 || ev.succeeded() > 1
          || clientClaims > 1;
      boolean done = "succeeded".equals(row.status()) && row.succeededAttempts() == 1 && ev.claimed() >= 1
          && ev.succeeded() >= 1;
      if (duplicated) {
        duplicates++;
        note(problems, "task " + id + ": " + row.attempts() + " attempts, " + ev.claimed() + " claimed and "
            + ev.succeeded() + " succeeded events, " + clientClaims + " starts seen by workers");
      } else if (!done) {
        lost++;
        note(problems, "task " + id + " ended " + row.status() + " with " + row.succeededAttempts()
            + " succeeded attempts, " + ev.succeeded() + " succeeded events");
      } else {
        once++;
      }
    }
    long extra = tasks.keySet().stream().filter(id -> !submitted.contains(id)).count();
    if (extra > 0) {
      problems.add(extra + " tasks are in the database that no client submitted");
    }
    if (unpublished > 0) {
      problems.add(unpublished + " outbox rows were never published to Kafka");
    }
    return new Audit(submitted.size(), once, duplicates, lost, problems);
  }

  private static void note(List<String> problems, String problem) {
    if (problems.size() < 20) {
      problems.add(problem);
    }
  }
}
