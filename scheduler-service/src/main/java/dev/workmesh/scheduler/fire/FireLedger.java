package dev.workmesh.scheduler.fire;

import dev.workmesh.core.db.MeshDb;
import java.time.Instant;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.UUID;
import org.springframework.jdbc.core.RowMapper;

/**
 * The SQL of {@code schedule_fire}. The table's primary key {@code (job_name, scheduled_at)} is what
 * makes a fire happen once: the replica whose insert lands owns the fire; any other insert of the same
 * key waits for that transaction and then does nothing (or takes over, if it rolled back).
 */
public final class FireLedger {

  private static final RowMapper<FireRecord> MAPPER =
      (rs, i) -> new FireRecord(
          rs.getString("job_name"),
          MeshDb.instant(rs, "scheduled_at"),
          MeshDb.instant(rs, "fired_at"),
          rs.getString("fired_by"),
          FireTrigger.fromWire(rs.getString("trigger")),
          MeshDb.uuid(rs, "task_id"),
          rs.getString("error"));

  /*
   * A scheduled fire also stands down when a later scheduled fire of the job exists: a replica that
   * planned with an older view (another replica already fired a later instant) does not fire an
   * instant the misfire policy collapsed or skipped. Manual fires are never held back.
   */
  private static final String CLAIM =
      "INSERT INTO schedule_fire (job_name, scheduled_at, fired_at, fired_by, trigger)"
          + " SELECT CAST(:job AS text), CAST(:at AS timestamptz), CAST(:now AS timestamptz), CAST(:by AS text),"
          + " CAST(:trigger AS text)"
          + " WHERE CAST(:trigger AS text) = 'manual' OR NOT EXISTS (SELECT 1 FROM schedule_fire later"
          + "   WHERE later.job_name = :job AND later.trigger = 'schedule' AND later.scheduled_at > :at)"
          + " ON CONFLICT (job_name, scheduled_at) DO NOTHING";

  /*
   * Old records go, except each job's latest scheduled fire: it is the reference its next fire is
   * planned from, and without it a job that fires less often than the retention would fire again.
   */
  private static final String DELETE_EXPIRED =
      "DELETE FROM schedule_fire WHERE ctid IN ("
          + " SELECT f.ctid FROM schedule_fire f WHERE f.fired_at < :cutoff"
          + " AND NOT (f.trigger = 'schedule' AND f.scheduled_at = (SELECT max(l.scheduled_at) FROM schedule_fire l"
          + "   WHERE l.job_name = f.job_name AND l.trigger = 'schedule'))"
          + " LIMIT :batch)";

  private final MeshDb db;

  public FireLedger(MeshDb db) {
    this.db = db;
  }

  /**
   * Inserts the fire record, without task or error yet. In a transaction.
   *
   * @return true if this call owns the fire; false if it was already fired (or a later one was)
   */
  boolean claim(String job, Instant scheduledAt, Instant now, String firedBy, FireTrigger trigger) {
    return db.jdbc()
        .sql(CLAIM)
        .param("job", job)
        .param("at", MeshDb.ts(scheduledAt))
        .param("now", MeshDb.ts(now))
        .param("by", firedBy)
        .param("trigger", trigger.wire())
        .update() == 1;
  }

  void recordTask(String job, Instant scheduledAt, UUID taskId) {
    db.jdbc()
        .sql("UPDATE schedule_fire SET task_id = :task WHERE job_name = :job AND scheduled_at = :at")
        .param("task", taskId)
        .param("job", job)
        .param("at", MeshDb.ts(scheduledAt))
        .update();
  }

  void recordError(String job, Instant scheduledAt, String error) {
    db.jdbc()
        .sql("UPDATE schedule_fire SET error = :error WHERE job_name = :job AND scheduled_at = :at")
        .param("error", error)
        .param("job", job)
        .param("at", MeshDb.ts(scheduledAt))
        .update();
  }

  /** The scheduled instant of each job's latest scheduled (not manual) fire; jobs that never fired are absent. */
  public Map<String, Instant> lastScheduledFires(List<String> jobs) {
    Map<String, Instant> last = new HashMap<>();
    if (jobs.isEmpty()) {
      return last;
    }
    db.jdbc()
        .sql("SELECT job_name, max(scheduled_at) AS last FROM schedule_fire"
            + " WHERE job_name = ANY(:jobs) AND trigger = 'schedule' GROUP BY job_name")
        .param("jobs", MeshDb.textArray(jobs))
        .query(rs -> {
          last.put(rs.getString("job_name"), MeshDb.instant(rs, "last"));
        });
    return last;
  }

  /** Each job's most recent fire of any trigger; jobs that never fired are absent. */
  public Map<String, FireRecord> lastFires(List<String> jobs) {
    Map<String, FireRecord> last = new HashMap<>();
    if (jobs.isEmpty()) {
      return last;
    }
    db.jdbc()
        .sql("SELECT DISTINCT ON (job_name) * FROM schedule_fire WHERE job_name = ANY(:jobs)"
            + " ORDER BY job_name, fired_at DESC, scheduled_at DESC")
        .param("jobs", MeshDb.textArray(jobs))
        .query(MAPPER)
        .list()
        .forEach(fire -> last.put(fire.jobName(), fire));
    return last;
  }

  public Optional<FireRecord> find(String job, Instant scheduledAt) {
    return db.jdbc()
        .sql("SELECT * FROM schedule_fire WHERE job_name = :job AND scheduled_at = :at")
        .param("job", job)
        .param("at", MeshDb.ts(scheduledAt))
        .query(MAPPER)
        .optional();
  }

  /** The newest {@code limit} fires of a job, newest first. */
  public List<FireRecord> history(String job, int limit) {
    return db.jdbc()
        .sql("SELECT * FROM schedule_fire WHERE job_name = :job ORDER BY fired_at DESC, scheduled_at DESC LIMIT :limit")
        .param("job", job)
        .param("limit", limit)
        .query(MAPPER)
        .list();
  }

  /** Deletes up to {@code batch} records fired before {@code cutoff}, sparing each job's latest scheduled fire. */
  public int deleteFiredBefore(Instant cutoff, int batch) {
    return db.jdbc()
        .sql(DELETE_EXPIRED)
        .param("cutoff", MeshDb.ts(cutoff))
        .param("batch", batch)
        .update();
  }
}
