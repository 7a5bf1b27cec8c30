package dev.workmesh.watchdog.config;

import dev.workmesh.core.MeshCore;
import dev.workmesh.core.leader.LeaderLease;
import dev.workmesh.core.leader.MaintenanceLoop;
import dev.workmesh.watchdog.health.AgentHealthSweep;
import dev.workmesh.watchdog.rescue.BroadcastTargetSweep;
import dev.workmesh.watchdog.rescue.LeaseRescueJob;
import dev.workmesh.watchdog.rescue.RescueHold;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.MeterRegistry;
import java.util.List;

/**
 * The watchdog's one maintenance loop (mesh-core's {@link MaintenanceLoop}, leader only through the
 * {@code watchdog} row of {@code leader_lease}). Its jobs run in this order on each tick, so that an agent
 * found disconnected has its claims rescued and its open broadcast targets failed in the same tick:
 *
 * <ol>
 *   <li>{@link AgentHealthSweep}: connected -> unhealthy -> disconnected from heartbeats;
 *   <li>{@link LeaseRescueJob}: lapsed leases, and claims of disconnected or revoked agents, unless the
 *       {@link RescueHold} finds most agents silent at once;
 *   <li>{@link BroadcastTargetSweep}: open broadcast targets of disconnected or revoked agents.
 * </ol>
 */
public final class WatchdogLoop {

  /** Name of the watchdog's row in {@code leader_lease}. */
  public static final String LEADER_LEASE = "watchdog";

  private WatchdogLoop() {}

  /** Builds the loop of one replica; the caller starts it (or ticks it) and closes it. */
  public static MaintenanceLoop create(MeshCore core, WatchdogProperties properties, MeterRegistry meters) {
    LeaderLease lease = new LeaderLease(core.db(), LEADER_LEASE, properties.replicaId(), properties.leaderLeaseTerm(),
        properties.leaderLeaseMargin());
    MaintenanceLoop loop = new MaintenanceLoop(lease, properties.sweepInterval(), List.of(
        new AgentHealthSweep(core.db(), core.agents(), properties.staleThreshold(), properties.disconnectThreshold(),
            properties.healthBatch(), meters),
        new LeaseRescueJob(core.rescuer(), new RescueHold(core.db(), properties.rescueHold().settings(), meters),
            properties.rescueBatch(), meters),
        new BroadcastTargetSweep(core.lifecycle().broadcast(), properties.healthBatch(), meters)),
        meters);
    Gauge.builder("mesh.watchdog.leader", loop, l -> l.isLeader() ? 1 : 0)
        .description("1 while this replica leads the watchdog's maintenance loop, else 0")
        .register(meters);
    return loop;
  }
}
