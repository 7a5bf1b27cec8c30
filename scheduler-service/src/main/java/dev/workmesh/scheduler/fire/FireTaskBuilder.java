package dev.workmesh.scheduler.fire;

import dev.workmesh.core.task.ClaimPolicy;
import dev.workmesh.core.task.NewTask;
import dev.workmesh.scheduler.job.JobDefinition;
import dev.workmesh.scheduler.job.TaskTemplate;
import java.time.Instant;
import java.util.UUID;

/** Turns a job's task template into the mesh-core submission of one fire. */
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

  public static NewTask newTask(JobDefinition job, Instant scheduledAt) {
    TaskTemplate t = job.task();
    return NewTask.builder(t.title())
        .description(t.description())
        .claimPolicy(ClaimPolicy.fromWire(t.claimPolicy()))
        .assignedAgent(t.assignedAgent() == null ? null : UUID.fromString(t.assignedAgent()))
        .pool(t.pool())
        .requiredCapabilities(t.requiredCapabilities())
        .priority(t.priority())
        .runtime(t.runtime())
        .input(t.input())
        .maxAttempts(t.maxAttempts())
        .timeout(t.timeout())
        .idempotencyKey(idempotencyKey(job.name(), scheduledAt))
        .build();
  }
}
