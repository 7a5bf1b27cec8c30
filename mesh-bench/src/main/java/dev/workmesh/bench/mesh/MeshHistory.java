package dev.workmesh.bench.mesh;

import com.zaxxer.hikari.HikariDataSource;
import dev.workmesh.testsupport.TestDatabase;
import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * The history a scenario's database starts with, so that it is measured as a mesh that has served a
 * while and not as one in its first minute: finished tasks of an earlier mission with their attempts, and
 * statistics PostgreSQL gathered on them ({@code ANALYZE}).
 *
 * <p>mesh-api's connections keep the plan they make at a statement's first use ({@code
 * plan_cache_mode=force_generic_plan}). In a new database that plan is made on nearly empty tables, where
 * reading a whole table is cheapest, and it stays until autovacuum analyzes the grown tables (about a
 * minute in a new mesh, longer than a scenario). With a history the plans are made on the tables of a mesh
 * that has run for a while, large with few tasks ready: what such plans do when a backlog arrives is then
 * measured (a claim by task id read every ready task until its status became a parameter).
 */
public final class MeshHistory {

  /** Finished tasks in every scenario's database before it starts: 14 hours of a small mesh. */
  public static final int TASKS = 50_000;

  /** {@code submitted_by} of the history's tasks: the audit leaves them out. */
  static final String SUBMITTER = "mesh-bench history";

  // One task a second, the last finished a minute ago; ids UUIDv7-shaped, so they sort before the scenario's
  // own as in a mesh's indexes. The outbox keeps an hour of published events (mesh-api purges older ones).
  private static final String SEED = """
      WITH m AS (
        INSERT INTO mission (id, name, description, created_at)
        VALUES (gen_random_uuid(), 'mesh-bench history', 'finished work from before the scenario',
                now() - interval '1 day')
        RETURNING id),
      ag AS (
        INSERT INTO agent (id, name, pools, capabilities, runtimes, max_concurrency, status, token_hash,
                           enrolled_at, last_heartbeat_at, status_changed_at)
        VALUES (gen_random_uuid(), 'history-worker', '{default}', '{}', '{exec}', 50, 'disconnected',
                sha256(gen_random_uuid()::text::bytea), now() - interval '1 day', now() - interval '1 minute',
                now() - interval '1 minute')
        RETURNING id),
      t AS (
        INSERT INTO task (id, mission_id, title, claim_policy, pool, required_capabilities, priority, input,
                          max_attempts, attempt_limit, status, attempt, available_at, result, submitted_by,
                          created_at, ready_at, dispatched_at, finished_at, updated_at)
        SELECT (lpad(to_hex((extract(epoch FROM at) * 1000)::bigint), 12, '0') || '7000' || '8000'
                  || lpad(to_hex(g), 12, '0'))::uuid,
               m.id, 'history ' || g, 'first_claim', 'default', '{}', 0, jsonb_build_object('n', g),
               3, 3, 'succeeded', 1, at, '{"ok": true}', :submitter, at, at, at, at, at
        FROM m, generate_series(1, :tasks) AS g,
             LATERAL (SELECT now() - (:tasks + 60 - g) * interval '1 second' AS at) AS time
        RETURNING id, created_at),
      a AS (
        INSERT INTO attempt (id, task_id, agent_id, number, broadcast, claim_token_hash, lease_expires_at,
                             claimed_at, started_at, finished_at, outcome, exit_code)
        SELECT gen_random_uuid(), t.id, ag.id, 1, false, sha256(t.id::text::bytea), t.created_at,
               t.created_at, t.created_at, t.created_at, 'succeeded', 0
        FROM t, ag)
      INSERT INTO outbox (topic, message_key, payload, created_at, published_at)
      SELECT 'mesh.task-events', t.id::text,
             json_build_object('type', e.type, 'task_id', t.id, 'at', t.created_at), t.created_at, t.created_at
      FROM t, (VALUES ('task.claimed'), ('task.running'), ('task.succeeded')) AS e(type)
      WHERE t.created_at > now() - interval '1 hour'
      ORDER BY t.created_at
      """;

  /** The tables the history is in: a fresh mesh's others have never been analyzed, here as there. */
  private static final String ANALYZE = "VACUUM (ANALYZE) mission, agent, task, attempt, outbox";

  private MeshHistory() {}

  /**
   * Writes the history into {@code database}, after its migrations, and analyzes it. Returns what
   * PostgreSQL's statistics now say the task and outbox tables hold, for the scenario's details.
   */
  static Map<String, Long> seed(TestDatabase database) {
    String sql = SEED.replace(":submitter", "'" + SUBMITTER + "'").replace(":tasks", Integer.toString(TASKS));
    try (HikariDataSource ds = database.newDataSource(1); Connection c = ds.getConnection();
        Statement s = c.createStatement()) {
      s.executeUpdate(sql);
      // As autovacuum would have: the visibility map set, the statistics gathered. Analyzing also makes every
      // connection that already planned a statement on these tables plan it again.
      s.execute(ANALYZE);
      Map<String, Long> analyzed = new LinkedHashMap<>();
      try (ResultSet rs = s.executeQuery(
          "SELECT relname, reltuples::bigint FROM pg_class WHERE relname IN ('task', 'outbox') ORDER BY relname DESC")) {
        while (rs.next()) {
          analyzed.put(rs.getString(1) + "_rows", rs.getLong(2));
        }
      }
      return analyzed;
    } catch (SQLException e) {
      throw new IllegalStateException("could not write the scenario's history: " + e.getMessage(), e);
    }
  }
}
