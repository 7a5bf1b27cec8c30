package dev.workmesh.bench.mesh;

import dev.workmesh.worker.subagent.AttemptOutcome;
import dev.workmesh.worker.subagent.AttemptSpec;
import dev.workmesh.worker.subagent.InProcessRuntime;
import dev.workmesh.worker.subagent.Subagent;
import dev.workmesh.worker.subagent.SubagentOutcome;
import java.time.Duration;
import java.util.concurrent.CompletableFuture;

/**
 * The queue path's runtime: task-worker runs each claim with it in-process, and it succeeds at once, so
 * what is measured is the worker's own dispatch, claim, lease and report path. It notes in the ledger
 * when each task started (its claim was won). While paused (the pre-filled drain fills the queue) the
 * attempts it starts wait for {@link #resume()}, which keeps the workers' slots busy and their share
 * consumers from polling.
 */
final class NoOpRuntime implements InProcessRuntime {

  static final String NAME = "bench-no-op";

  private final ClaimLedger ledger;
  private volatile CompletableFuture<Void> gate = CompletableFuture.completedFuture(null);

  NoOpRuntime(ClaimLedger ledger) {
    this.ledger = ledger;
  }

  @Override
  public Subagent start(AttemptSpec spec) {
    ledger.claimed(spec.taskId(), System.nanoTime());
    CompletableFuture<SubagentOutcome> outcome = new CompletableFuture<>();
    gate.thenRun(() -> outcome.complete(new SubagentOutcome(AttemptOutcome.SUCCEEDED, 0, "", "", Duration.ZERO, null)));
    return new Subagent() {
      @Override
      public CompletableFuture<SubagentOutcome> outcome() {
        return outcome;
      }

      @Override
      public void cancel() {
        outcome.complete(new SubagentOutcome(AttemptOutcome.CANCELLED, 143, "", "", Duration.ZERO, "cancelled"));
      }
    };
  }

  void pause() {
    if (gate.isDone()) {
      gate = new CompletableFuture<>();
    }
  }

  void resume() {
    gate.complete(null);
  }
}
