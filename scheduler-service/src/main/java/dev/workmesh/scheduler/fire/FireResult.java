package dev.workmesh.scheduler.fire;

import java.time.Instant;
import java.util.UUID;

/**
 * The result of {@link JobFirer#fire}.
 *
 * @param taskId the submitted task, for {@link FireOutcome#SUBMITTED}
 * @param replay true when mesh-core found a task with the fire's idempotency key already in the
 *     mission and returned it instead of creating a second one
 * @param error mesh-core's reason, for {@link FireOutcome#REJECTED}
 */
public record FireResult(
    String job, Instant scheduledAt, FireTrigger trigger, FireOutcome outcome, UUID taskId, boolean replay,
    String error) {

  static FireResult submitted(String job, Instant at, FireTrigger trigger, UUID taskId, boolean replay) {
    return new FireResult(job, at, trigger, FireOutcome.SUBMITTED, taskId, replay, null);
  }

  static FireResult rejected(String job, Instant at, FireTrigger trigger, String error) {
    return new FireResult(job, at, trigger, FireOutcome.REJECTED, null, false, error);
  }

  static FireResult alreadyFired(String job, Instant at, FireTrigger trigger) {
    return new FireResult(job, at, trigger, FireOutcome.ALREADY_FIRED, null, false, null);
  }
}
