package dev.workmesh.scheduler.fire;

import dev.workmesh.client.model.TaskRequest;
import dev.workmesh.scheduler.job.JobDefinition;
import java.time.Instant;

/** Turns a job's task into the submission of one fire. */
public final class FireTaskBuilder {

  private FireTaskBuilder() {}

  /** Who submitted a job's tasks, as kept on the task: {@code scheduler:<job>}. */
  public static String submittedBy(String job) {
    return "scheduler:" + job;
  }

  /**
   * {@code schedule:<job>:<instant>}: a second submission for the same fire, however it came about,
   * returns the first task instead of making another (mesh-core invariant 6).
   */
  public static String idempotencyKey(String job, Instant scheduledAt) {
    return "schedule:" + job + ":" + scheduledAt;
  }

  /** The job's task with the fire's idempotency key. */
  public static TaskRequest newTask(JobDefinition job, Instant scheduledAt) {
    return job.task().withIdempotencyKey(idempotencyKey(job.name(), scheduledAt));
  }
}
