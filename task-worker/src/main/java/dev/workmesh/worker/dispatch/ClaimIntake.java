package dev.workmesh.worker.dispatch;

import dev.workmesh.client.model.ClaimView;
import java.util.UUID;

/** Where won claims go: the attempt runner, which owns the slot from then on. */
public interface ClaimIntake {

  /**
   * Runs (or hands back) a won claim. Returns at once; {@code slot} is released when the attempt's
   * report is delivered or spooled.
   *
   * @param source {@code pooled}, {@code directed} or {@code pull}, for logs and metrics
   */
  void accept(ClaimView claim, Slots.Permit slot, String source);

  /**
   * Whether a dispatch record for this task should be skipped without claiming: the worker recently
   * had to hand this task back because it cannot run its runtime.
   */
  boolean declined(UUID taskId);

  /**
   * Whether this worker holds a claim of this task now: a record for it (re-dispatched while it ran
   * here) is dropped without asking the API.
   */
  boolean holds(UUID taskId);
}
