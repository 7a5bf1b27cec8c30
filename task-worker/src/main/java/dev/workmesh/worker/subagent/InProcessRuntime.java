package dev.workmesh.worker.subagent;

/**
 * A runtime that runs an attempt inside the worker's JVM instead of a child process. No configuration key
 * reaches it: only code that builds a {@code TaskWorker} itself can register one (the benchmark does, to
 * measure the worker's claim and report path without the cost of a process).
 */
@FunctionalInterface
public interface InProcessRuntime {

  /** Starts the attempt; its outcome completes when the work has ended. */
  Subagent start(AttemptSpec spec);
}
