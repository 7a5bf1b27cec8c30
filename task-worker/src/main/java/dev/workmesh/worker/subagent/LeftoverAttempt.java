package dev.workmesh.worker.subagent;

import java.util.UUID;

/**
 * An attempt an earlier run of this worker left behind (it crashed or was killed while the attempt
 * ran), after reconciliation killed what was left of its process group and removed its workspace.
 *
 * @param claimToken null when it was not recorded: the claim can then only lapse with its lease
 * @param processesKilled how many processes of its group were still running and were killed
 */
public record LeftoverAttempt(UUID taskId, UUID attemptId, String claimToken, int processesKilled) {

  /** Leaves the claim token out of logs. */
  @Override
  public String toString() {
    return "LeftoverAttempt[task=" + taskId + ", attempt=" + attemptId + ", processesKilled=" + processesKilled + "]";
  }
}
