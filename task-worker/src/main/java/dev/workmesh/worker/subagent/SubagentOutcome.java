package dev.workmesh.worker.subagent;

import java.time.Duration;

/**
 * What one subagent run produced.
 *
 * @param outcome how it ended
 * @param exitCode the process's exit status; 128 + signal number when a signal ended it
 * @param result the file at {@code $MESH_RESULT_FILE} when the subagent wrote one, else its stdout
 *     (both capped, with a note when cut)
 * @param logTail the last bytes of stdout and stderr together
 * @param duration from start to exit
 * @param error why it did not succeed, in words for the task's {@code error}; null on success
 * @param usage tokens and cost the agent CLI reported; null when it reported none
 * @param retryable whether another attempt could end otherwise; false when the agent CLI failed for
 *     its configuration (invalid key, not logged in, untrusted directory, unknown flag)
 */
public record SubagentOutcome(
    AttemptOutcome outcome,
    int exitCode,
    String result,
    String logTail,
    Duration duration,
    String error,
    SubagentUsage usage,
    boolean retryable) {

  /** An outcome without usage, retryable unless it was cancelled. */
  public SubagentOutcome(AttemptOutcome outcome, int exitCode, String result, String logTail, Duration duration, String error) {
    this(outcome, exitCode, result, logTail, duration, error, null, outcome != AttemptOutcome.CANCELLED);
  }
}
