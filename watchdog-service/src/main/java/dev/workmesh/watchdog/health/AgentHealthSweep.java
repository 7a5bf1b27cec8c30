package dev.workmesh.watchdog.health;

import dev.workmesh.core.agent.Agent;
import dev.workmesh.core.agent.AgentStatus;
import dev.workmesh.core.agent.AgentStore;
import dev.workmesh.core.db.MeshDb;
import dev.workmesh.core.loop.PeriodicLoop;
import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.MeterRegistry;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.UUID;

/**
 * Agent health from signs of life, one bounded batch per run (leader only, a {@code MaintenanceLoop} job):
 *
 * <ul>
 *   <li>{@code connected -> unhealthy} when {@code last_heartbeat_at} is older than the stale threshold;
 *   <li>{@code connected|unhealthy -> disconnected} when it is older than the disconnect threshold (an agent
 *       silent past both goes straight to disconnected: one change, one event);
 *   <li>{@code revoked} never changes here; the way back to {@code connected} is any sign of life of the
 *       agent ({@link AgentStore#signOfLife}).
 * </ul>
 *
 * <p>{@code last_heartbeat_at} is the agent's last sign of life: its agent heartbeat, any call it makes to
 * mesh-api with its token (written at most every {@code mesh-api.agent-activity-write}), and any heartbeat of
 * one of its claims (written in the claim heartbeat's own statement). An agent that keeps a claim alive is
 * therefore never found silent, and {@link dev.workmesh.core.lease.LeaseRescuer} never rescues that claim as
 * "agent gone".
 *
 * <p>Every change goes through {@link AgentStore#changeStatus}, which writes one {@code agent.status_changed}
 * event to the outbox in the same transaction. Rows are taken {@code FOR UPDATE SKIP LOCKED} and the decision
 * is made again on the locked row, so a heartbeat that commits first wins, and two sweepers (two replicas
 * during a leadership hand-over) never move one agent twice.
 */
public final class AgentHealthSweep implements PeriodicLoop.Step {

  /** {@code mesh_agent_health_transitions_total{from,to}}. */
  public static final String TRANSITIONS = "mesh.agent.health.transitions";

  private static final String DUE =
      "SELECT id FROM agent"
          + " WHERE (status = 'connected' AND last_heartbeat_at < :stale)"
          + " OR (status IN ('connected', 'unhealthy') AND last_heartbeat_at < :disconnect)"
          + " ORDER BY last_heartbeat_at LIMIT :n FOR UPDATE SKIP LOCKED";

  private final MeshDb db;
  private final AgentStore agents;
  private final Duration staleThreshold;
  private final Duration disconnectThreshold;
  private final int batch;
  private final MeterRegistry meters;

  public AgentHealthSweep(MeshDb db, AgentStore agents, Duration staleThreshold, Duration disconnectThreshold,
      int batch, MeterRegistry meters) {
    if (disconnectThreshold.compareTo(staleThreshold) <= 0) {
      throw new IllegalArgumentException("disconnect threshold " + disconnectThreshold
          + " must exceed stale threshold " + staleThreshold);
    }
    this.db = db;
    this.agents = agents;
    this.staleThreshold = staleThreshold;
    this.disconnectThreshold = disconnectThreshold;
    this.batch = batch;
    this.meters = meters;
  }

  @Override
  public String name() {
    return "agent-health";
  }

  @Override
  public int batch() {
    return batch;
  }

  /** Moves up to one batch of agents whose heartbeats stopped; returns how many changed status. */
  @Override
  public int runOnce() {
    record Change(AgentStatus from, AgentStatus to) {}
    List<Change> changes = db.inTransaction(() -> {
      Instant now = db.now();
      List<UUID> due = db.jdbc()
          .sql(DUE)
          .param("stale", MeshDb.ts(now.minus(staleThreshold)))
          .param("disconnect", MeshDb.ts(now.minus(disconnectThreshold)))
          .param("n", batch)
          .query(UUID.class)
          .list();
      List<Change> made = new ArrayList<>(due.size());
      for (UUID id : due) {
        Agent agent = agents.lockAgent(id); // already ours; re-read so the decision uses the locked row
        Optional<AgentStatus> next = nextStatus(agent, now);
        if (next.isPresent()) {
          agents.changeStatus(agent, next.get());
          made.add(new Change(agent.status(), next.get()));
        }
      }
      return made;
    });
    for (Change change : changes) { // counted once committed
      Counter.builder(TRANSITIONS)
          .description("Agent health changes made by the watchdog's sweep")
          .tags("from", change.from().wire(), "to", change.to().wire())
          .register(meters)
          .increment();
    }
    return changes.size();
  }

  /** What the agent's silence makes of it now, if that is a change. */
  Optional<AgentStatus> nextStatus(Agent agent, Instant now) {
    Duration silent = Duration.between(agent.lastHeartbeatAt(), now);
    return switch (agent.status()) {
      case REVOKED, DISCONNECTED -> Optional.empty();
      case UNHEALTHY -> silent.compareTo(disconnectThreshold) > 0 ? Optional.of(AgentStatus.DISCONNECTED) : Optional.empty();
      case CONNECTED -> silent.compareTo(disconnectThreshold) > 0
          ? Optional.of(AgentStatus.DISCONNECTED)
          : silent.compareTo(staleThreshold) > 0 ? Optional.of(AgentStatus.UNHEALTHY) : Optional.empty();
    };
  }
}
