package dev.workmesh.worker.subagent;

import java.util.UUID;

/**
 * An attempt that could not be started: unknown runtime, missing binary, task input the runtime
 * cannot use, a repository that cannot be checked out. The message says what to change; no
 * process is left behind.
 */
public class SubagentLaunchException extends RuntimeException {

  private final UUID attemptId;

  public SubagentLaunchException(UUID attemptId, String message) {
    this(attemptId, message, null);
  }

  public SubagentLaunchException(UUID attemptId, String message, Throwable cause) {
    super("attempt " + attemptId + ": " + message, cause);
    this.attemptId = attemptId;
  }

  public UUID attemptId() {
    return attemptId;
  }
}
