package dev.workmesh.watchdog.metrics;

import dev.workmesh.core.agent.AgentStatus;
import dev.workmesh.core.db.MeshDb;
import dev.workmesh.core.task.TaskStatus;
import dev.workmesh.core.task.TaskValidator;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.MultiGauge;
import io.micrometer.core.instrument.MultiGauge.Row;
import io.micrometer.core.instrument.Tags;
import java.sql.Timestamp;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;

/**
 * The fleet gauges, read from the database by {@link #refresh} (a few aggregate queries) and served from
 * memory on every scrape, so a scrape never queries. Any replica may serve them: they describe the database,
 * not this replica.
 *
 * <ul>
 *   <li>{@code mesh_agents{status}}: agents by health status;
 *   <li>{@code mesh_tasks{status}}: tasks by status;
 *   <li>{@code mesh_queue_depth{pool}}: ready tasks of each pool;
 *   <li>{@code mesh_oldest_ready_age_seconds{pool}}: how long the oldest ready task of each pool has waited;
 *   <li>{@code mesh_outbox_pending} and {@code mesh_outbox_oldest_pending_age_seconds}: the outbox relay's lag
 *       (committed changes whose events have not reached Kafka yet).
 * </ul>
 *
 * Status series are always all present (0 when empty) so that alerts with {@code for:} see a continuous
 * series; a pool is listed while it has ready tasks or a non-revoked agent serving it, and {@code default}
 * always.
 */
public final class FleetGauges {

  private final MeshDb db;
  private final MultiGauge agents;
  private final MultiGauge tasks;
  private final MultiGauge queueDepth;
  private final MultiGauge oldestReadyAge;
  private volatile FleetSnapshot.OutboxLag outbox = new FleetSnapshot.OutboxLag(0, 0);

  public FleetGauges(MeshDb db, MeterRegistry meters) {
    this.db = db;
    this.agents = MultiGauge.builder("mesh.agents").description("Agents by health status").register(meters);
    this.tasks = MultiGauge.builder("mesh.tasks").description("Tasks by status").register(meters);
    this.queueDepth = MultiGauge.builder("mesh.queue.depth")
        .description("Ready (claimable) tasks per pool").register(meters);
    this.oldestReadyAge = MultiGauge.builder("mesh.oldest.ready.age").baseUnit("seconds")
        .description("Age of the oldest ready task per pool; 0 when the pool has none").register(meters);
    Gauge.builder("mesh.outbox.pending", this, g -> g.outbox.pending()).strongReference(true)
        .description("Outbox rows not yet published to Kafka").register(meters);
    Gauge.builder("mesh.outbox.oldest.pending.age", this, g -> g.outbox.oldestPendingAgeSeconds())
        .strongReference(true).baseUnit("seconds")
        .description("Age of the oldest outbox row not yet published to Kafka; 0 when none").register(meters);
  }

  /** Reads the fleet from the database and publishes it to the gauges; returns what it read. */
  public FleetSnapshot refresh() {
    FleetSnapshot snapshot = read();
    agents.register(rows("status", snapshot.agentsByStatus()), true);
    tasks.register(rows("status", snapshot.tasksByStatus()), true);
    List<Row<?>> depth = new ArrayList<>();
    List<Row<?>> age = new ArrayList<>();
    snapshot.pools().forEach((pool, queue) -> {
      depth.add(Row.of(Tags.of("pool", pool), queue.depth()));
      age.add(Row.of(Tags.of("pool", pool), queue.oldestReadyAgeSeconds()));
    });
    queueDepth.register(depth, true);
    oldestReadyAge.register(age, true);
    outbox = snapshot.outbox();
    return snapshot;
  }

  /**
   * Reads what the gauges show: five aggregate queries (agents and tasks by status, agent pools, ready tasks
   * per pool, unpublished outbox rows). The task count scans the task table; it runs once per refresh interval, never per scrape.
   */
  public FleetSnapshot read() {
    return db.inTransaction(() -> {
      Instant now = db.now();
      Map<String, Long> agentCounts = new LinkedHashMap<>();
      for (AgentStatus s : AgentStatus.values()) {
        agentCounts.put(s.wire(), 0L);
      }
      db.jdbc().sql("SELECT status, count(*) AS n FROM agent GROUP BY status")
          .query(rs -> { agentCounts.put(rs.getString("status"), rs.getLong("n")); });
      Map<String, Long> taskCounts = new LinkedHashMap<>();
      for (TaskStatus s : TaskStatus.values()) {
        taskCounts.put(s.wire(), 0L);
      }
      db.jdbc().sql("SELECT status, count(*) AS n FROM task GROUP BY status")
          .query(rs -> { taskCounts.put(rs.getString("status"), rs.getLong("n")); });

      Map<String, FleetSnapshot.PoolQueue> pools = new TreeMap<>();
      pools.put(TaskValidator.DEFAULT_POOL, new FleetSnapshot.PoolQueue(0, 0));
      db.jdbc().sql("SELECT DISTINCT unnest(pools) AS pool FROM agent WHERE status <> 'revoked'")
          .query(rs -> { pools.put(rs.getString("pool"), new FleetSnapshot.PoolQueue(0, 0)); });
      db.jdbc().sql("SELECT pool, count(*) AS depth, min(ready_at) AS oldest FROM task WHERE status = 'ready'"
              + " GROUP BY pool")
          .query(rs -> {
            pools.put(rs.getString("pool"),
                new FleetSnapshot.PoolQueue(rs.getLong("depth"), ageSeconds(rs.getTimestamp("oldest"), now)));
          });
      // The partial index outbox_unpublished makes this cheap however large the published history grows.
      FleetSnapshot.OutboxLag lag = db.jdbc()
          .sql("SELECT count(*) AS pending, min(created_at) AS oldest FROM outbox WHERE published_at IS NULL")
          .query((rs, i) -> new FleetSnapshot.OutboxLag(rs.getLong("pending"), ageSeconds(rs.getTimestamp("oldest"), now)))
          .single();
      return new FleetSnapshot(Map.copyOf(agentCounts), Map.copyOf(taskCounts), Map.copyOf(pools), lag);
    });
  }

  private static double ageSeconds(Timestamp since, Instant now) {
    return since == null ? 0 : Math.max(0, Duration.between(since.toInstant(), now).toMillis() / 1000.0);
  }

  private static List<Row<?>> rows(String tag, Map<String, Long> counts) {
    List<Row<?>> rows = new ArrayList<>(counts.size());
    counts.forEach((value, n) -> rows.add(Row.of(Tags.of(tag, value), n)));
    return rows;
  }
}
