package dev.workmesh.scheduler.fire;

import dev.workmesh.scheduler.job.DueFirePlanner;
import dev.workmesh.scheduler.job.DueFires;
import dev.workmesh.scheduler.job.JobDefinition;
import dev.workmesh.scheduler.registry.JobRegistry;
import dev.workmesh.scheduler.registry.JobState;
import dev.workmesh.scheduler.registry.ScheduleStateStore;
import java.time.Clock;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * One pass over the loaded jobs: plan each enabled, unpaused job's due fires and fire them.
 *
 * <p>Runs on every replica, not only on the leader. Several replicas firing the same instant is safe
 * (the fire record's key lets exactly one of them through), and it means a job fires on time even
 * while the maintenance lease is changing hands after a crash. The cost is two small queries per
 * tick and replica.
 *
 * <p>Each job is planned from a reference instant, the later of its last scheduled fire and the
 * moment it was registered, paused or resumed ({@link JobState#activeSince()}); see {@link
 * DueFirePlanner} for what happens to instants missed since then.
 */
public final class ScheduleTicker {

  private static final Logger log = LoggerFactory.getLogger(ScheduleTicker.class);

  private final JobRegistry registry;
  private final ScheduleStateStore states;
  private final FireLedger ledger;
  private final JobFirer firer;
  private final DueFirePlanner planner;
  private final Clock clock;
  private final FireMetrics metrics;
  /** Per job, the reference whose missed instants were reported: report each gap once, not every tick. */
  private final Map<String, Instant> missedReported = new ConcurrentHashMap<>();

  public ScheduleTicker(JobRegistry registry, ScheduleStateStore states, FireLedger ledger, JobFirer firer,
      DueFirePlanner planner, Clock clock, FireMetrics metrics) {
    this.registry = registry;
    this.states = states;
    this.ledger = ledger;
    this.firer = firer;
    this.planner = planner;
    this.clock = clock;
    this.metrics = metrics;
  }

  /**
   * Fires whatever is due now. A job that fails is logged, counted and retried on the next tick; the
   * other jobs go on.
   *
   * @return how many fires this replica made (submitted or rejected)
   */
  public int tick() {
    Instant now = clock.instant();
    List<JobDefinition> jobs = registry.current().jobs().values().stream().filter(JobDefinition::enabled).toList();
    if (jobs.isEmpty()) {
      return 0;
    }
    List<String> names = jobs.stream().map(JobDefinition::name).toList();
    Map<String, JobState> stateByJob = states.states(names);
    Map<String, Instant> lastFire = ledger.lastScheduledFires(names);
    int fired = 0;
    for (JobDefinition job : jobs) {
      try {
        fired += tickJob(job, stateByJob.get(job.name()), lastFire.get(job.name()), now);
      } catch (RuntimeException e) {
        log.warn("job '{}': firing failed; will try again on the next tick", job.name(), e);
      }
    }
    return fired;
  }

  private int tickJob(JobDefinition job, JobState state, Instant lastFire, Instant now) {
    if (state == null) {
      states.register(List.of(job.name())); // a reload could not register it; plan from now on
      return 0;
    }
    if (state.paused()) {
      return 0;
    }
    Instant reference = lastFire != null && lastFire.isAfter(state.activeSince()) ? lastFire : state.activeSince();
    // The planner's reference is "last fire, else registration"; ours folds pauses in, so pass it as such.
    DueFires due = planner.plan(job, null, reference, now);
    if (due.missed() && !reference.equals(missedReported.put(job.name(), reference))) {
      metrics.missed(job.name());
      log.info("job '{}' ({}): instants since {} were missed; misfire = \"{}\" {}", job.name(), job.schedule()
          .describe(), reference, job.misfire().tomlName(), due.isEmpty() ? "skips them" : "fires once now");
    }
    int fired = 0;
    for (Instant at : due.due()) {
      if (firer.fire(job, at, FireTrigger.SCHEDULE).outcome() != FireOutcome.ALREADY_FIRED) {
        fired++;
      }
    }
    return fired;
  }
}
