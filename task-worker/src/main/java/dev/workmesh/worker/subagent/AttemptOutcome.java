package dev.workmesh.worker.subagent;

/** How a subagent's attempt ended, as the worker reports it. */
public enum AttemptOutcome {
  /** Exited with status 0. */
  SUCCEEDED("succeeded"),
  /** Exited with a non-zero status. */
  FAILED("failed"),
  /** Outlived the attempt's timeout and was stopped. */
  TIMED_OUT("timed_out"),
  /** Stopped on request (task cancelled, claim lost, worker shutting down). */
  CANCELLED("cancelled");

  private final String wireName;

  AttemptOutcome(String wireName) {
    this.wireName = wireName;
  }

  /** The snake_case name used in the API. */
  public String wireName() {
    return wireName;
  }
}
