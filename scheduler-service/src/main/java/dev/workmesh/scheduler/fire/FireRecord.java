package dev.workmesh.scheduler.fire;

import java.time.Instant;
import java.util.UUID;

/**
 * One row of {@code schedule_fire}: the durable proof that a job fired for an instant.
 *
 * @param scheduledAt the instant the fire is for: a scheduled instant, or the request time of a
 *     manual fire. With the job name, the fire's identity.
 * @param firedAt when a replica actually fired it
 * @param firedBy the replica id
 * @param taskId the submitted task; null when the submission was rejected
 * @param error why the submission was rejected; null when a task was submitted
 */
public record FireRecord(
    String jobName, Instant scheduledAt, Instant firedAt, String firedBy, FireTrigger trigger, UUID taskId,
    String error) {}
