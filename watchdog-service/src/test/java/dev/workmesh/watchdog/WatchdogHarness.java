package dev.workmesh.watchdog;

import dev.workmesh.client.model.TaskRequest;
import com.zaxxer.hikari.HikariDataSource;
import dev.workmesh.core.MeshCore;
import dev.workmesh.core.agent.Agent;
import dev.workmesh.core.agent.NewAgent;
import dev.workmesh.core.db.MeshDb;
import dev.workmesh.core.leader.MaintenanceLoop;
import dev.workmesh.core.mission.Mission;
import dev.workmesh.core.outbox.MeshTopics;
import dev.workmesh.core.task.NewTask;
import dev.workmesh.core.task.RetryBackoff;
import dev.workmesh.watchdog.config.WatchdogLoop;
import dev.workmesh.watchdog.config.WatchdogProperties;
import dev.workmesh.testsupport.MutableClock;
import dev.workmesh.testsupport.TestDatabase;
import io.micrometer.core.instrument.MeterRegistry;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.UUID;

/**
 * mesh-core and watchdog replicas on a test class's own database, with a clock the test moves. Thresholds
 * are the production defaults (heartbeat 10s, unhealthy after 30s, disconnected after 100s); only the sweep
 * runs faster in real time, so that background loops react within milliseconds.
 */
public final class WatchdogHarness implements AutoCloseable {

  public static final Duration HEARTBEAT = WatchdogProperties.DEFAULT_HEARTBEAT_INTERVAL;
  public static final Duration STALE = HEARTBEAT.multipliedBy(3);
  public static final Duration DISCONNECT = HEARTBEAT.multipliedBy(10);
  public static final Duration SWEEP = Duration.ofMillis(20);

  public final HikariDataSource dataSource;
  public final MutableClock clock = MutableClock.startingNow();
  public final MeshCore core;

  /** Claims last one stale threshold, as a worker heartbeating every 10s renews them; retries are immediate. */
  public WatchdogHarness(TestDatabase database) {
    this(database, STALE);
  }

  public WatchdogHarness(TestDatabase database, Duration claimLease) {
    dataSource = database.newDataSource(16);
    MeshCore.migrate(dataSource);
    core = new MeshCore(new MeshDb(dataSource, clock),
        new MeshCore.Settings(claimLease, new RetryBackoff(Duration.ZERO, Duration.ZERO, new Random(1))));
  }

  public static WatchdogProperties properties(String replicaId) {
    return properties(replicaId, null);
  }

  /** The harness's properties with the given rescue hold (null: its defaults). */
  public static WatchdogProperties properties(String replicaId, WatchdogProperties.RescueHoldSettings hold) {
    return new WatchdogProperties(HEARTBEAT, null, null, SWEEP, 500, 500, null, null, null, false, replicaId, hold);
  }

  /** One watchdog replica's loop, not started: tick it, or start it for background sweeps. Close it. */
  public MaintenanceLoop replica(String replicaId, MeterRegistry meters) {
    return WatchdogLoop.create(core, properties(replicaId), meters);
  }

  /** One replica's loop with the given rescue hold, not started. Close it. */
  public MaintenanceLoop replica(String replicaId, WatchdogProperties.RescueHoldSettings hold, MeterRegistry meters) {
    return WatchdogLoop.create(core, properties(replicaId, hold), meters);
  }

  public Mission mission() {
    return core.missions().create("m-" + UUID.randomUUID(), "");
  }

  public Agent agent() {
    return agent(List.of("default"));
  }

  public Agent agent(List<String> pools) {
    return core.agents().enrol(new NewAgent("agent-" + UUID.randomUUID(), pools, List.of(), List.of(), 1000,
        Map.of())).agent();
  }

  public UUID submit(TaskRequest task) {
    return core.submitter().submit(mission().id(), task, "operator").task().id();
  }

  /** The agent events in the outbox for one agent, oldest first, as "type:previous->status". */
  public List<String> agentEvents(UUID agentId) {
    return core.db().jdbc()
        .sql("SELECT payload->>'type' AS type, payload->>'previous_status' AS previous, payload->>'status' AS status"
            + " FROM outbox WHERE topic = :topic AND message_key = :key ORDER BY id")
        .param("topic", MeshTopics.AGENT_EVENTS)
        .param("key", agentId.toString())
        .query((rs, i) -> rs.getString("type") + ":" + rs.getString("previous") + "->" + rs.getString("status"))
        .list();
  }

  /** Task events in the outbox for one task, oldest first, by type. */
  public List<String> taskEventTypes(UUID taskId) {
    return core.db().jdbc()
        .sql("SELECT payload->>'type' FROM outbox WHERE topic = :topic AND message_key = :key ORDER BY id")
        .param("topic", MeshTopics.TASK_EVENTS)
        .param("key", taskId.toString())
        .query(String.class)
        .list();
  }

  @Override
  public void close() {
    dataSource.close();
  }
}
