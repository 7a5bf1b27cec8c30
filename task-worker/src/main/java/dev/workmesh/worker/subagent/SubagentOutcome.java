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
 */
public record SubagentOutcome(
    AttemptOutcome outcome, int exitCode, String result, String logTail, Duration duration, String error) {}
