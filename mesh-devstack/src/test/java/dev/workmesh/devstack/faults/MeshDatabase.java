package dev.workmesh.devstack.faults;

import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.util.ArrayList;
import java.util.Collection;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;

/**
 * The test's own eyes on the mesh's database: what it counts to decide whether anything was lost or done
 * twice. It only reads. Every verdict of the fault suite comes from here (or from the services), so that
 * a test cannot pass on what it meant to do rather than on what happened.
 */
final class MeshDatabase {

  interface ConnectionSource {
    Connection get() throws SQLException;
  }

  private final ConnectionSource connections;

  MeshDatabase(ConnectionSource connections) {
    this.connections = connections;
  }

  long count(String sql, Object... params) {
    try (Connection c = connections.get(); PreparedStatement s = c.prepareStatement(sql)) {
      for (int i = 0; i < params.length; i++) {
        s.setObject(i + 1, params[i]);
      }
      try (ResultSet rs = s.executeQuery()) {
        rs.next();
        return rs.getLong(1);
      }
    } catch (SQLException e) {
      throw new IllegalStateException(sql + ": " + e.getMessage(), e);
    }
  }

  String text(String sql, Object... params) {
    try (Connection c = connections.get(); PreparedStatement s = c.prepareStatement(sql)) {
      for (int i = 0; i < params.length; i++) {
        s.setObject(i + 1, params[i]);
      }
      try (ResultSet rs = s.executeQuery()) {
        return rs.next() ? rs.getString(1) : null;
      }
    } catch (SQLException e) {
      throw new IllegalStateException(sql + ": " + e.getMessage(), e);
    }
  }

  /** Committed outbox rows not yet published to Kafka (invariant 3: must reach 0). */
  long unpublishedOutbox() {
    return count("SELECT count(*) FROM outbox WHERE published_at IS NULL");
  }

  /** Tasks of the mission not yet in a terminal state. */
  long openTasks(UUID missionId) {
    return count("SELECT count(*) FROM task WHERE mission_id = ? AND status NOT IN ('succeeded', 'failed', 'cancelled')",
        missionId);
  }

  long tasks(UUID missionId) {
    return count("SELECT count(*) FROM task WHERE mission_id = ?", missionId);
  }

  /** Attempts of the mission's tasks by outcome ({@code live} for attempts still open). */
  Map<String, Long> attemptsByOutcome(UUID missionId) {
    Map<String, Long> out = new LinkedHashMap<>();
    try (Connection c = connections.get(); PreparedStatement s = c.prepareStatement(
        "SELECT coalesce(a.outcome, 'live'), count(*) FROM attempt a JOIN task t ON t.id = a.task_id"
            + " WHERE t.mission_id = ? GROUP BY 1 ORDER BY 1")) {
      s.setObject(1, missionId);
      try (ResultSet rs = s.executeQuery()) {
        while (rs.next()) {
          out.put(rs.getString(1), rs.getLong(2));
        }
      }
    } catch (SQLException e) {
      throw new IllegalStateException(e);
    }
    return out;
  }

  /**
   * The exactly-once verdict over a mission's tasks, measured three ways: tasks per idempotency key (one
   * submission, one task), succeeded attempts per task (one run that counts), and terminal lifecycle events
   * per task in the outbox (the task ended once).
   *
   * @param keys the idempotency keys whose submission got a 2xx answer: each must be a task that succeeded
   */
  Verdict exactlyOnce(UUID missionId, Collection<String> keys) {
    long tasks = tasks(missionId);
    long succeededOnce = count("""
        SELECT count(*) FROM task t WHERE t.mission_id = ? AND t.status = 'succeeded'
          AND (SELECT count(*) FROM attempt a WHERE a.task_id = t.id AND a.outcome = 'succeeded') = 1""", missionId);
    long extraTasksPerKey = count("""
        SELECT coalesce(sum(n - 1), 0) FROM (SELECT count(*) AS n FROM task WHERE mission_id = ?
          GROUP BY coalesce(idempotency_key, id::text)) k""", missionId);
    long extraSucceededAttempts = count("""
        SELECT coalesce(sum(n - 1), 0) FROM (SELECT count(*) AS n FROM attempt a JOIN task t ON t.id = a.task_id
          WHERE t.mission_id = ? AND a.outcome = 'succeeded' GROUP BY a.task_id) s""", missionId);
    long extraTerminalEvents = count("""
        SELECT coalesce(sum(n - 1), 0) FROM (SELECT count(*) AS n FROM outbox o JOIN task t ON t.id::text = o.message_key
          WHERE t.mission_id = ? AND o.topic = 'mesh.task-events'
            AND o.payload->>'type' IN ('task.succeeded', 'task.failed', 'task.cancelled')
          GROUP BY o.message_key) e""", missionId);
    long liveAttemptsOfEndedTasks = count("""
        SELECT count(*) FROM attempt a JOIN task t ON t.id = a.task_id WHERE t.mission_id = ? AND a.outcome IS NULL
          AND t.status IN ('succeeded', 'failed', 'cancelled')""", missionId);
    List<String> missing = new ArrayList<>();
    long keysSucceeded = 0;
    if (keys != null) {
      try (Connection c = connections.get(); PreparedStatement s = c.prepareStatement("""
          SELECT k.key FROM unnest(?::text[]) AS k(key)
            WHERE NOT EXISTS (SELECT 1 FROM task t WHERE t.mission_id = ? AND t.idempotency_key = k.key
              AND t.status = 'succeeded')""")) {
        s.setArray(1, c.createArrayOf("text", keys.toArray()));
        s.setObject(2, missionId);
        try (ResultSet rs = s.executeQuery()) {
          while (rs.next()) {
            missing.add(rs.getString(1));
          }
        }
      } catch (SQLException e) {
        throw new IllegalStateException(e);
      }
      keysSucceeded = keys.size() - missing.size();
    }
    return new Verdict(tasks, succeededOnce, openTasks(missionId), extraTasksPerKey, extraSucceededAttempts,
        extraTerminalEvents, liveAttemptsOfEndedTasks, keys == null ? 0 : keys.size(), keysSucceeded,
        missing.stream().limit(10).toList(), attemptsByOutcome(missionId));
  }

  /**
   * @param tasks tasks in the mission
   * @param succeededOnce tasks that succeeded with exactly one succeeded attempt
   * @param open tasks not in a terminal state
   * @param extraTasksPerKey tasks beyond the first for one idempotency key
   * @param extraSucceededAttempts succeeded attempts beyond the first for one task
   * @param extraTerminalEvents terminal task events beyond the first for one task
   * @param liveAttemptsOfEndedTasks open attempts of tasks that already ended
   * @param acknowledged submissions answered 2xx (by idempotency key)
   * @param acknowledgedSucceeded of those, how many are a task that succeeded
   */
  record Verdict(long tasks, long succeededOnce, long open, long extraTasksPerKey, long extraSucceededAttempts,
      long extraTerminalEvents, long liveAttemptsOfEndedTasks, long acknowledged, long acknowledgedSucceeded,
      List<String> someMissing, Map<String, Long> attempts) {

    /** Acknowledged submissions that are not a succeeded task (missing, unfinished or failed). */
    long lost() {
      return acknowledged - acknowledgedSucceeded;
    }

    long duplicated() {
      return extraTasksPerKey + extraSucceededAttempts + extraTerminalEvents;
    }

    boolean allDone() {
      return open == 0;
    }
  }

  /**
   * A digest of the mesh's durable state, for "nothing changed": missions, tasks, attempts, broadcast
   * targets, fire records, the agents' identities (not their heartbeat times) and the outbox size, less agent
   * events: any call an agent makes with its own token is a sign of life and may reconnect it (an agent
   * event), which is no change to work.
   */
  String stateDigest() {
    return text("""
        SELECT md5(
          coalesce((SELECT string_agg(m::text, '|' ORDER BY m.id) FROM mission m), '') || '#' ||
          coalesce((SELECT string_agg(t::text, '|' ORDER BY t.id) FROM task t), '') || '#' ||
          coalesce((SELECT string_agg(a::text, '|' ORDER BY a.id) FROM attempt a), '') || '#' ||
          coalesce((SELECT string_agg(b::text, '|' ORDER BY b.task_id, b.agent_id) FROM broadcast_target b), '') || '#' ||
          coalesce((SELECT string_agg(f::text, '|' ORDER BY f.job_name, f.scheduled_at) FROM schedule_fire f), '') || '#' ||
          coalesce((SELECT string_agg(g.id::text || g.name || g.token_hash::text || g.pools::text, '|' ORDER BY g.id)
                    FROM agent g), '') || '#' ||
          (SELECT count(*) FROM outbox WHERE topic <> 'mesh.agent-events')::text)""");
  }

  /** The parts of {@link #stateDigest}, by table, to say which one changed. */
  Map<String, String> stateDigestParts() {
    Map<String, String> parts = new LinkedHashMap<>();
    parts.put("mission", text("SELECT md5(coalesce(string_agg(m::text, '|' ORDER BY m.id), '')) FROM mission m"));
    parts.put("task", text("SELECT md5(coalesce(string_agg(t::text, '|' ORDER BY t.id), '')) FROM task t"));
    parts.put("attempt", text("SELECT md5(coalesce(string_agg(a::text, '|' ORDER BY a.id), '')) FROM attempt a"));
    parts.put("broadcast_target", text("SELECT md5(coalesce(string_agg(b::text, '|' ORDER BY b.task_id, b.agent_id), ''))"
        + " FROM broadcast_target b"));
    parts.put("schedule_fire", text("SELECT md5(coalesce(string_agg(f::text, '|' ORDER BY f.job_name, f.scheduled_at), ''))"
        + " FROM schedule_fire f"));
    parts.put("agent", text("SELECT md5(coalesce(string_agg(g.id::text || g.name || g.token_hash::text || g.pools::text,"
        + " '|' ORDER BY g.id), '')) FROM agent g"));
    parts.put("outbox rows", text("SELECT count(*)::text FROM outbox WHERE topic <> 'mesh.agent-events'"));
    return parts;
  }

  /** The mesh's tables, to prove that hostile text reached none of them as SQL. */
  long meshTables() {
    return count("""
        SELECT count(*) FROM information_schema.tables WHERE table_schema = 'public'
          AND table_name IN ('mission', 'task', 'attempt', 'agent', 'outbox', 'broadcast_target', 'leader_lease',
                             'schedule_fire', 'schedule_state')""");
  }
}
