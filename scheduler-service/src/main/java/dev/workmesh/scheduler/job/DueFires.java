package dev.workmesh.scheduler.job;

import java.time.Instant;
import java.util.List;

/**
 * What {@link DueFirePlanner} decided for one job at one moment.
 *
 * @param due the scheduled instants to fire now, oldest first: empty or one instant under both
 *     policies. Each is a fire's identity together with the job name.
 * @param missed true when at least one scheduled instant since the reference will never fire
 *     (skipped, or collapsed into the fire in {@code due}): worth a log line and a metric
 */
public record DueFires(List<Instant> due, boolean missed) {

  static final DueFires NOTHING = new DueFires(List.of(), false);

  public DueFires {
    due = List.copyOf(due);
  }

  public boolean isEmpty() {
    return due.isEmpty();
  }
}
