package dev.workmesh.worker.subagent;

import java.util.concurrent.CompletableFuture;

/** An attempt's work while it runs: its outcome once it ends, and a way to stop it. */
public interface Subagent {

  /** Completes once the work has ended, however it ended. */
  CompletableFuture<SubagentOutcome> outcome();

  /**
   * Completes once the work itself stopped running, which may be before its {@link #outcome()}: what is
   * left then (collecting the output, cleaning up) takes no slot. By default, with the outcome.
   */
  default CompletableFuture<?> exited() {
    return outcome();
  }

  /** Stops the work (cancelled); does nothing once it has ended. */
  void cancel();

  /** The end of its output so far, for the heartbeats that show it live; empty when it writes none. */
  default String logTail() {
    return "";
  }
}
