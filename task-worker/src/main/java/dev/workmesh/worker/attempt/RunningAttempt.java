package dev.workmesh.worker.attempt;

import dev.workmesh.client.model.ClaimView;
import dev.workmesh.worker.dispatch.Slots;
import dev.workmesh.worker.subagent.Subagent;
import java.util.UUID;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.atomic.AtomicBoolean;

/**
 * One claim on this worker, from the moment it was won until its report is delivered or spooled (or
 * it was handed back). Holds the slot and the subagent, the reason it may have been stopped, and
 * whether it has ended.
 */
final class RunningAttempt {

  /** Why the worker stopped the subagent itself; null while it runs on its own. */
  enum StopReason {
    /** The mesh asked (the task was cancelled): report {@code fail} with outcome cancelled. */
    CANCEL_REQUESTED,
    /** A heartbeat got 409: the claim is someone else's now; report nothing. */
    CLAIM_LOST,
    /** The worker is shutting down and the grace period ran out: hand the task back with {@code release}. */
    SHUTDOWN,
    /** The agent was revoked (401): the mesh requeues its claims elsewhere; stop at once and report nothing. */
    REVOKED
  }

  final ClaimView claim;
  final Slots.Permit slot;
  final String source;
  final long wonAtNanos;
  final CompletableFuture<Void> done = new CompletableFuture<>();
  final AtomicBoolean heartbeatInFlight = new AtomicBoolean();
  private volatile String runtime = "unknown";
  private volatile Subagent subagent;
  private volatile StopReason stopReason;
  private volatile boolean ended;
  volatile boolean heartbeatFailing;
  /** The first heartbeat waits for first-heartbeat-after: the interval's renewals leave the attempt alone. */
  volatile boolean firstHeartbeatScheduled;
  private String lastShippedTail;

  RunningAttempt(ClaimView claim, Slots.Permit slot, String source, long wonAtNanos) {
    this.claim = claim;
    this.slot = slot;
    this.source = source;
    this.wonAtNanos = wonAtNanos;
  }

  UUID taskId() {
    return claim.task().id();
  }

  UUID attemptId() {
    return claim.attemptId();
  }

  String runtime() {
    return runtime;
  }

  void runtime(String name) {
    this.runtime = name;
  }

  synchronized void started(Subagent running) {
    this.subagent = running;
    if (stopReason != null) {
      running.cancel();
    }
  }

  /**
   * The end of the subagent's output when it changed since a heartbeat last delivered it, else null: a
   * heartbeat carries the output only when there is something new (the subagent's tail is bounded, 8 KiB by
   * default, and heartbeats are as frequent as the lease requires, no more).
   */
  synchronized String newLogTail() {
    String tail = subagent == null ? null : subagent.logTail();
    return tail == null || tail.isEmpty() || tail.equals(lastShippedTail) ? null : tail;
  }

  /** A heartbeat delivered this tail; the next carries output only if there is more. */
  synchronized void logTailDelivered(String tail) {
    if (tail != null) {
      lastShippedTail = tail;
    }
  }

  /** Stops the subagent for {@code reason}, unless it was already stopped for another or has ended. */
  synchronized boolean stop(StopReason reason) {
    if (stopReason != null || ended) {
      return false;
    }
    stopReason = reason;
    if (subagent != null) {
      subagent.cancel();
    }
    return true;
  }

  /**
   * The subagent has ended and the attempt is about to report: heartbeats stop, and a later {@link
   * #stop} does nothing. A heartbeat still in flight may reach the API after the report and get 409,
   * which does not mean that the claim was lost. Returns why the worker stopped the subagent, if it did.
   */
  synchronized StopReason end() {
    ended = true;
    return stopReason;
  }

  /**
   * Whether the lease should still be renewed: the subagent has started, has not ended, and the claim was
   * neither lost nor taken away by a revocation.
   */
  synchronized boolean renewing() {
    return subagent != null && !ended && stopReason != StopReason.CLAIM_LOST && stopReason != StopReason.REVOKED;
  }

  /** Whether {@link #end()} was called: the attempt's own report is sent or on its way. */
  boolean ended() {
    return ended;
  }
}
