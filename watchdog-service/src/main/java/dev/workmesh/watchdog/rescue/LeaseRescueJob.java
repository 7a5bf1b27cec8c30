package dev.workmesh.watchdog.rescue;

import dev.workmesh.core.loop.PeriodicLoop;
import dev.workmesh.core.lease.LeaseRescuer;
import dev.workmesh.core.lease.LeaseRescuer.Rescued;
import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.MeterRegistry;

/**
 * Rescues claims nobody works on any more (invariant 5), as a leader-only {@code MaintenanceLoop} job:
 * attempts whose lease lapsed, and at once (without waiting for their leases) the live attempts of agents
 * that are disconnected or revoked. Each rescued attempt ends {@code lost}; its task is retried with backoff
 * while attempts are left, else failed; the old holder's token is stale from then on. The work itself is
 * mesh-core's {@link LeaseRescuer}, which is safe against double rescue.
 *
 * <p>Counts {@code mesh_lease_rescues_total{outcome}} by <em>why</em> the claim was rescued: {@code lapsed}
 * (no heartbeat renewed its lease) or {@code agent_gone} (its agent is disconnected or revoked). What became of
 * the task (retried or failed) is in {@code mesh_tasks{status}} and the task events.
 *
 * <p>With a {@link RescueHold}, a run rescues nothing while the hold says most agents went silent at once.
 */
public final class LeaseRescueJob implements PeriodicLoop.Step {

  public static final String RESCUES = "mesh.lease.rescues";

  private final LeaseRescuer rescuer;
  private final RescueHold hold;
  private final int batch;
  private final Counter lapsed;
  private final Counter agentGone;

  /** A job that never holds: every run rescues what is due. */
  public LeaseRescueJob(LeaseRescuer rescuer, int batch, MeterRegistry meters) {
    this(rescuer, null, batch, meters);
  }

  /** A job that asks {@code hold} (null: never hold) before each run. */
  public LeaseRescueJob(LeaseRescuer rescuer, RescueHold hold, int batch, MeterRegistry meters) {
    this.rescuer = rescuer;
    this.hold = hold;
    this.batch = batch;
    this.lapsed = rescues(meters, "lapsed");
    this.agentGone = rescues(meters, "agent_gone");
  }

  private static Counter rescues(MeterRegistry meters, String outcome) {
    return Counter.builder(RESCUES)
        .description("Claims rescued by the watchdog: outcome=lapsed (lease expired) or agent_gone"
            + " (agent disconnected or revoked)")
        .tag("outcome", outcome)
        .register(meters);
  }

  @Override
  public String name() {
    return "lease-rescue";
  }

  @Override
  public int batch() {
    return batch;
  }

  @Override
  public int runOnce() {
    if (hold != null && hold.holds()) {
      return 0;
    }
    Rescued rescued = rescuer.runOnce(batch);
    lapsed.increment(rescued.lapsed());
    agentGone.increment(rescued.agentGone());
    // Up to a batch of each kind: a total of a batch or more runs again at once, at worst one idle run.
    return rescued.total();
  }
}
