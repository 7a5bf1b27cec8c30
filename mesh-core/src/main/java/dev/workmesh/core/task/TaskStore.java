package dev.workmesh.core.task;

import dev.workmesh.core.NotFoundException;
import dev.workmesh.core.db.MeshDb;
import dev.workmesh.core.usage.AttemptUsage;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.util.EnumMap;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.UUID;
import org.springframework.jdbc.core.RowMapper;

/** Reads tasks and their attempts. Writes go through {@link TaskSubmitter} and {@link TaskLifecycle}. */
public final class TaskStore {

  /**
   * Every column of a task: its submission's ({@link TaskColumns}), then the engine's; a SELECT or RETURNING
   * list whose rows {@link #mapTask} reads.
   */
  public static final String COLUMNS = "id, mission_id, " + TaskColumns.SELECT + ", status, attempt, attempt_limit,"
      + " cancel_requested, result::text AS result, error, submitted_by, created_at, ready_at, finished_at, updated_at";

  private final MeshDb db;
  private final RowMapper<MeshTask> taskMapper;
  private final RowMapper<Attempt> attemptMapper;

  public TaskStore(MeshDb db) {
    this.db = db;
    this.taskMapper = (rs, i) -> mapTask(db, rs);
    this.attemptMapper = (rs, i) -> mapAttempt(db, rs);
  }

  public Optional<MeshTask> find(UUID id) {
    return db.jdbc().sql("SELECT " + COLUMNS + " FROM task WHERE id = :id").param("id", id).query(taskMapper).optional();
  }

  public MeshTask get(UUID id) {
    return find(id).orElseThrow(() -> new NotFoundException("task", id));
  }

  public List<MeshTask> getAll(List<UUID> ids) {
    return db.jdbc()
        .sql("SELECT " + COLUMNS + " FROM task WHERE id = ANY(:ids) ORDER BY id")
        .param("ids", MeshDb.uuidArray(ids))
        .query(taskMapper)
        .list();
  }

  public List<Attempt> attempts(UUID taskId) {
    return db.jdbc()
        .sql("SELECT * FROM attempt WHERE task_id = :id ORDER BY claimed_at, number")
        .param("id", taskId)
        .query(attemptMapper)
        .list();
  }

  /**
   * A page of a mission's tasks that pass the filter, in id (= submission) order, oldest or newest first.
   *
   * @param after the last id of the previous page, or null for the first page
   */
  public List<MeshTask> list(UUID missionId, TaskFilter filter, UUID after, int limit) {
    StringBuilder sql = new StringBuilder("SELECT " + COLUMNS + " FROM task WHERE mission_id = :mission");
    Map<String, Object> params = new HashMap<>();
    params.put("mission", missionId);
    params.put("limit", limit);
    if (filter.status() != null) {
      sql.append(" AND status = :status");
      params.put("status", filter.status().wire());
    }
    if (filter.pool() != null) {
      sql.append(" AND pool = :pool");
      params.put("pool", filter.pool());
    }
    if (filter.runtime() != null) {
      sql.append(" AND runtime = :runtime");
      params.put("runtime", filter.runtime());
    }
    if (after != null) {
      sql.append(filter.newestFirst() ? " AND id < :after" : " AND id > :after");
      params.put("after", after);
    }
    sql.append(filter.newestFirst() ? " ORDER BY id DESC" : " ORDER BY id").append(" LIMIT :limit");
    return db.jdbc().sql(sql.toString()).params(params).query(taskMapper).list();
  }

  /** The attempts that hold a claim now (no outcome yet), of one agent or of all when null, oldest claim first. */
  public List<Attempt> liveAttempts(UUID agentId, int limit) {
    String where = agentId == null ? "" : " AND agent_id = :agent";
    var statement = db.jdbc()
        .sql("SELECT * FROM attempt WHERE outcome IS NULL" + where + " ORDER BY claimed_at LIMIT :limit")
        .param("limit", limit);
    if (agentId != null) {
      statement = statement.param("agent", agentId);
    }
    return statement.query(attemptMapper).list();
  }

  /** How many tasks of the mission are in each status (every status present, zero when none). */
  public Map<TaskStatus, Long> countByStatus(UUID missionId) {
    Map<TaskStatus, Long> counts = new EnumMap<>(TaskStatus.class);
    for (TaskStatus s : TaskStatus.values()) {
      counts.put(s, 0L);
    }
    db.jdbc()
        .sql("SELECT status, count(*) AS n FROM task WHERE mission_id = :mission GROUP BY status")
        .param("mission", missionId)
        .query(rs -> {
          counts.put(TaskStatus.fromWire(rs.getString("status")), rs.getLong("n"));
        });
    return counts;
  }

  /** How many tasks of each of these missions are in each status (every status present, zero when none). */
  public Map<UUID, Map<TaskStatus, Long>> countByStatus(List<UUID> missionIds) {
    Map<UUID, Map<TaskStatus, Long>> all = new HashMap<>();
    for (UUID id : missionIds) {
      Map<TaskStatus, Long> counts = new EnumMap<>(TaskStatus.class);
      for (TaskStatus s : TaskStatus.values()) {
        counts.put(s, 0L);
      }
      all.put(id, counts);
    }
    if (missionIds.isEmpty()) {
      return all;
    }
    db.jdbc()
        .sql("SELECT mission_id, status, count(*) AS n FROM task WHERE mission_id = ANY(:missions)"
            + " GROUP BY mission_id, status")
        .param("missions", MeshDb.uuidArray(missionIds))
        .query(rs -> {
          all.get(MeshDb.uuid(rs, "mission_id")).put(TaskStatus.fromWire(rs.getString("status")), rs.getLong("n"));
        });
    return all;
  }

  /** The task of the current row of a result that selected or returned {@link #COLUMNS}. */
  public static MeshTask mapTask(MeshDb db, ResultSet rs) throws SQLException {
    return new MeshTask(
        MeshDb.uuid(rs, "id"),
        MeshDb.uuid(rs, "mission_id"),
        TaskColumns.read(db, rs),
        TaskStatus.fromWire(rs.getString("status")),
        rs.getInt("attempt"),
        rs.getInt("attempt_limit"),
        rs.getBoolean("cancel_requested"),
        db.readJson(rs, "result"),
        rs.getString("error"),
        rs.getString("submitted_by"),
        MeshDb.instant(rs, "created_at"),
        MeshDb.instant(rs, "ready_at"),
        MeshDb.instant(rs, "finished_at"),
        MeshDb.instant(rs, "updated_at"));
  }

  static Attempt mapAttempt(MeshDb db, ResultSet rs) throws SQLException {
    String outcome = rs.getString("outcome");
    int exitCode = rs.getInt("exit_code");
    Integer exit = rs.wasNull() ? null : exitCode;
    return new Attempt(
        MeshDb.uuid(rs, "id"),
        MeshDb.uuid(rs, "task_id"),
        MeshDb.uuid(rs, "agent_id"),
        rs.getInt("number"),
        rs.getBoolean("broadcast"),
        MeshDb.instant(rs, "lease_expires_at"),
        MeshDb.instant(rs, "claimed_at"),
        MeshDb.instant(rs, "started_at"),
        MeshDb.instant(rs, "finished_at"),
        outcome == null ? null : AttemptOutcome.fromWire(outcome),
        exit,
        rs.getString("log_tail"),
        db.readJson(rs, "result"),
        rs.getString("error"),
        usage(rs));
  }

  private static AttemptUsage usage(ResultSet rs) throws SQLException {
    long input = rs.getLong("input_tokens");
    if (rs.wasNull()) {
      return null;
    }
    return new AttemptUsage(rs.getString("usage_model"), input, rs.getLong("output_tokens"),
        rs.getBigDecimal("cost_usd"));
  }
}
