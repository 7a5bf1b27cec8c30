package dev.workmesh.scheduler.registry;

import dev.workmesh.core.db.MeshDb;
import org.springframework.jdbc.core.simple.JdbcClient;
import org.springframework.jdbc.support.SqlArrayValue;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/** The SQL of {@code schedule_state}: registration and pause state of jobs, shared by all replicas. */
public final class ScheduleStateStore {

  private final MeshDb db;

  public ScheduleStateStore(MeshDb db) {
    this.db = db;
  }

  /**
   * Records that these jobs exist, now, unless a replica did already: the first registration is the
   * one every replica plans a never-fired job from. A job removed from the file keeps its row, so that
   * adding it back later keeps its pause state and does not fire for the time it was gone.
   */
  public void register(List<String> jobs) {
    if (jobs.isEmpty()) {
      return;
    }
    stampedForJobs("INSERT INTO schedule_state (job_name, paused, registered_at, updated_at)"
            + " SELECT name, false, :now, :now FROM unnest(:names) AS name"
            + " ON CONFLICT (job_name) DO NOTHING", jobs)
        .update();
  }

  /**
   * Records which jobs the job file enables. As with {@link #setPaused}, only a real change moves
   * {@code updated_at}: the replica that loads the change first moves it, the others find nothing to
   * change. So a job enabled after a time disabled is planned from that moment and never fires the
   * instants that passed meanwhile.
   */
  public void setEnabled(Map<String, Boolean> enabledByJob) {
    if (enabledByJob.isEmpty()) {
      return;
    }
    List<String> names = List.copyOf(enabledByJob.keySet());
    Boolean[] enabled = names.stream().map(enabledByJob::get).toArray(Boolean[]::new);
    stampedForJobs("UPDATE schedule_state s SET enabled = j.enabled, updated_at = :now"
            + " FROM unnest(:names, :enabled) AS j(name, enabled)"
            + " WHERE s.job_name = j.name AND s.enabled <> j.enabled", names)
        .param("enabled", new SqlArrayValue("boolean", enabled))
        .update();
  }

  /** A statement on the jobs {@code :names}, with {@code :now} the time of the change. */
  private JdbcClient.StatementSpec stampedForJobs(String sql, List<String> jobs) {
    return db.jdbc().sql(sql).param("now", MeshDb.ts(db.now())).param("names", MeshDb.textArray(jobs));
  }

  public Map<String, JobState> states(List<String> jobs) {
    Map<String, JobState> states = new HashMap<>();
    if (jobs.isEmpty()) {
      return states;
    }
    db.jdbc()
        .sql("SELECT job_name, paused, registered_at, updated_at FROM schedule_state WHERE job_name = ANY(:names)")
        .param("names", MeshDb.textArray(jobs))
        .query(rs -> {
          states.put(rs.getString("job_name"), new JobState(rs.getString("job_name"), rs.getBoolean("paused"),
              MeshDb.instant(rs, "registered_at"), MeshDb.instant(rs, "updated_at")));
        });
    return states;
  }

  public Optional<JobState> state(String job) {
    return Optional.ofNullable(states(List.of(job)).get(job));
  }

  /**
   * Pauses or resumes a job on every replica. Only a real change moves {@code updated_at}: resuming a
   * job that runs changes nothing, so it cannot drop a fire that is due.
   *
   * @return the state after the change
   */
  public JobState setPaused(String job, boolean paused) {
    return db.inTransaction(() -> {
      register(List.of(job));
      db.jdbc()
          .sql("UPDATE schedule_state SET paused = :paused, updated_at = :now WHERE job_name = :job AND paused <> :paused")
          .param("paused", paused)
          .param("now", MeshDb.ts(db.now()))
          .param("job", job)
          .update();
      return state(job).orElseThrow();
    });
  }
}
