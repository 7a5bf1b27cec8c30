package dev.workmesh.watchdog.rescue;

import dev.workmesh.core.loop.PeriodicLoop;
import dev.workmesh.core.task.BroadcastSettlement;
import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.MeterRegistry;

/**
 * The broadcast rule: a broadcast target whose agent is gone (disconnected or revoked) does not keep its
 * broadcast task open. A leader-only {@code MaintenanceLoop} job, run after the lease rescue.
 *
 * <p>A target that had claimed is handled by the rescue: its live attempt ends {@code lost} and the target
 * goes back to {@code ready} (or fails once its attempts are used up). A target still {@code ready} or
 * {@code pending} (it never claimed, or its claim was just rescued) would wait forever for an agent that does
 * not come back: this sweep fails it with "agent disconnected before it claimed", which fails the broadcast
 * task ("target agent ... failed"), cancels its other open targets and asks live ones to stop — the same
 * settlement as a target failing for good. An agent that comes back later finds the task already failed;
 * an operator retries it ({@code POST /work/tasks/{id}/retry}) to broadcast afresh to the agents then
 * connected.
 *
 * <p>The statements and their locking live in mesh-core ({@code BroadcastTargets}, {@code
 * BroadcastSettlement#failAbandonedTargets}): a target being claimed right now, or an agent whose heartbeat or
 * revocation is committing, is skipped and looked at again on the next sweep.
 */
public final class BroadcastTargetSweep implements PeriodicLoop.Step {

  public static final String REASON = "agent disconnected before it claimed";
  public static final String ABANDONED = "mesh.broadcast.targets.abandoned";

  private final BroadcastSettlement broadcast;
  private final int batch;
  private final Counter abandoned;

  public BroadcastTargetSweep(BroadcastSettlement broadcast, int batch, MeterRegistry meters) {
    this.broadcast = broadcast;
    this.batch = batch;
    this.abandoned = Counter.builder(ABANDONED)
        .description("Broadcast targets failed because their agent disconnected or was revoked before claiming")
        .register(meters);
  }

  @Override
  public String name() {
    return "broadcast-abandoned-targets";
  }

  @Override
  public int batch() {
    return batch;
  }

  /** Fails up to one batch of open targets whose agent is gone; returns how many it failed. */
  @Override
  public int runOnce() {
    int failed = broadcast.failAbandonedTargets(batch, REASON);
    abandoned.increment(failed);
    return failed;
  }
}
