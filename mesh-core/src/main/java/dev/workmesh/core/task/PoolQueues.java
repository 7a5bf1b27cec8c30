package dev.workmesh.core.task;

import dev.workmesh.core.db.MeshDb;
import java.time.Duration;
import java.time.Instant;
import java.util.Map;
import java.util.TreeMap;

/** The queue of each pool now: how many tasks are ready to be claimed, and how long the oldest has waited. */
public final class PoolQueues {

  /**
   * @param depth ready tasks of the pool
   * @param oldestReadyAge how long the oldest of them has been ready; zero when none is
   */
  public record PoolQueue(long depth, Duration oldestReadyAge) {}

  private final MeshDb db;

  public PoolQueues(MeshDb db) {
    this.db = db;
  }

  /** The pools that have ready tasks, by name. */
  public Map<String, PoolQueue> now() {
    Instant now = db.now();
    Map<String, PoolQueue> pools = new TreeMap<>();
    db.jdbc()
        .sql("SELECT pool, count(*) AS depth, min(ready_at) AS oldest FROM task WHERE status = 'ready' GROUP BY pool")
        .query(rs -> {
          Instant oldest = MeshDb.instant(rs, "oldest");
          Duration age = oldest == null || oldest.isAfter(now) ? Duration.ZERO : Duration.between(oldest, now);
          pools.put(rs.getString("pool"), new PoolQueue(rs.getLong("depth"), age));
        });
    return pools;
  }
}
