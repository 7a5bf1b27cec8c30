package dev.workmesh.scheduler.fire;

import dev.workmesh.core.MeshCore;
import dev.workmesh.core.MeshException;
import dev.workmesh.core.db.MeshDb;
import dev.workmesh.core.mission.Mission;
import dev.workmesh.core.task.TaskSubmitter.Submitted;
import dev.workmesh.scheduler.job.JobDefinition;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.transaction.PlatformTransactionManager;
import org.springframework.transaction.TransactionDefinition;
import org.springframework.transaction.support.TransactionTemplate;

/**
 * Fires one job for one instant, in one transaction: the {@code schedule_fire} row and the task (with
 * its outbox records) commit together or not at all. Exactly once per (job, instant) across replicas
 * and restarts, because the fire record's primary key decides who fires, and only the owner submits.
 */
public final class JobFirer {

  private static final Logger log = LoggerFactory.getLogger(JobFirer.class);
  /** Attempts to find a free instant for a manual fire; collisions need two triggers in one microsecond. */
  private static final int MANUAL_ATTEMPTS = 100;

  private final MeshCore core;
  private final FireLedger ledger;
  private final TransactionTemplate savepoint;
  private final String replicaId;
  private final FireMetrics metrics;

  /**
   * @param transactions the transaction manager of mesh-core's {@link MeshDb}: the submission runs in
   *     a savepoint of the fire's transaction
   */
  public JobFirer(MeshCore core, FireLedger ledger, PlatformTransactionManager transactions, String replicaId,
      FireMetrics metrics) {
    this.core = core;
    this.ledger = ledger;
    this.savepoint = new TransactionTemplate(transactions);
    this.savepoint.setPropagationBehavior(TransactionDefinition.PROPAGATION_NESTED);
    this.replicaId = replicaId;
    this.metrics = metrics;
  }

  /**
   * Fires {@code job} for {@code scheduledAt} unless that was done already.
   *
   * @throws RuntimeException when the transaction fails (database unreachable, ...): nothing was
   *     recorded and a later call may fire the instant
   */
  public FireResult fire(JobDefinition job, Instant scheduledAt, FireTrigger trigger) {
    FireResult result;
    try {
      result = core.db().inTransaction(() -> fireInTransaction(job, scheduledAt, trigger));
    } catch (RuntimeException e) {
      metrics.failed(job.name(), trigger);
      throw e;
    }
    metrics.fired(result);
    switch (result.outcome()) {
      case SUBMITTED -> log.info("job '{}' fired for {} ({}): task {}{}", job.name(), scheduledAt, trigger.wire(),
          result.taskId(), result.replay() ? " (existing task with the same idempotency key)" : "");
      case REJECTED -> log.warn("job '{}' fired for {} ({}) but its task was rejected: {}", job.name(), scheduledAt,
          trigger.wire(), result.error());
      case ALREADY_FIRED -> log.debug("job '{}' for {} was already fired", job.name(), scheduledAt);
    }
    return result;
  }

  private FireResult fireInTransaction(JobDefinition job, Instant scheduledAt, FireTrigger trigger) {
    if (!ledger.claim(job.name(), scheduledAt, core.db().now(), replicaId, trigger)) {
      return FireResult.alreadyFired(job.name(), scheduledAt, trigger);
    }
    try {
      // A savepoint: if mesh-core refuses the task, only the submission is undone, not the fire record.
      Submitted submitted = savepoint.execute(status -> {
        Mission mission = core.missions().ensure(job.mission());
        return core.submitter()
            .submit(mission.id(), FireTaskBuilder.newTask(job, scheduledAt), FireTaskBuilder.submittedBy(job.name()));
      });
      ledger.recordTask(job.name(), scheduledAt, submitted.task().id());
      return FireResult.submitted(job.name(), scheduledAt, trigger, submitted.task().id(), submitted.replay());
    } catch (MeshException e) {
      ledger.recordError(job.name(), scheduledAt, e.getMessage());
      return FireResult.rejected(job.name(), scheduledAt, trigger, e.getMessage());
    }
  }

  /**
   * Fires {@code job} now, whatever its schedule, pause or enabled flag say. The fire is identified by
   * the current time (to the microsecond PostgreSQL keeps), moved on by a microsecond if that happens
   * to be one of the job's scheduled instants, which belong to scheduled fires, or was taken by
   * another manual fire.
   */
  public FireResult fireNow(JobDefinition job) {
    Instant at = core.db().now().truncatedTo(ChronoUnit.MICROS);
    for (int attempt = 0; attempt < MANUAL_ATTEMPTS; attempt++, at = at.plus(1, ChronoUnit.MICROS)) {
      if (isScheduledInstant(job, at)) {
        continue;
      }
      FireResult result = fire(job, at, FireTrigger.MANUAL);
      if (result.outcome() != FireOutcome.ALREADY_FIRED) {
        return result;
      }
    }
    throw new IllegalStateException("no free instant for a manual fire of '" + job.name() + "' near " + at);
  }

  private static boolean isScheduledInstant(JobDefinition job, Instant at) {
    return job.schedule().nextAfter(at.minusNanos(1)).equals(at);
  }
}
