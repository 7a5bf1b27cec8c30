package dev.workmesh.mcp.tools;

import dev.workmesh.client.MeshClient;
import dev.workmesh.client.model.TaskView;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.Set;
import java.util.UUID;

/**
 * Waiting for a task to end (succeeded, failed or cancelled), as the caller whose client reads it: mesh-api
 * decides what that caller may read. The task is read again after 200 ms, then at doubling intervals up to
 * 2 s, so a quick task is seen ending at once and a long one costs one read every 2 s.
 */
public final class TaskEnds {

  /** The statuses a task does not leave by itself (a retry by hand revives failed and cancelled ones). */
  public static final Set<String> ENDED = Set.of("succeeded", "failed", "cancelled");
  private static final Duration FIRST_INTERVAL = Duration.ofMillis(200);
  private static final Duration MAX_INTERVAL = Duration.ofSeconds(2);

  private final Clock clock;

  public TaskEnds(Clock clock) {
    this.clock = clock;
  }

  public static boolean ended(TaskView task) {
    return ENDED.contains(task.status());
  }

  /**
   * The task once it has ended, or as it is when {@code wait} runs out.
   *
   * @throws InterruptedException when the waiting thread is interrupted (the server is stopping)
   */
  public TaskView await(MeshClient mesh, UUID taskId, Duration wait) throws InterruptedException {
    Instant deadline = clock.instant().plus(wait);
    Duration interval = FIRST_INTERVAL;
    while (true) {
      TaskView task = mesh.task(taskId);
      Duration left = Duration.between(clock.instant(), deadline);
      if (ended(task) || left.isNegative() || left.isZero()) {
        return task;
      }
      Thread.sleep(interval.compareTo(left) < 0 ? interval : left);
      interval = interval.multipliedBy(2).compareTo(MAX_INTERVAL) > 0 ? MAX_INTERVAL : interval.multipliedBy(2);
    }
  }
}
