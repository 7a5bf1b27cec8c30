package dev.workmesh.watchdog.metrics;

import java.util.Map;

/**
 * What the database said at one refresh of the fleet gauges.
 *
 * @param agentsByStatus agents per status, every status present (0 when none)
 * @param tasksByStatus tasks per status, every status present (0 when none)
 * @param pools the queue of each pool that has ready tasks or a non-revoked agent, plus {@code default}
 * @param outbox what the outbox relay has not published yet
 */
public record FleetSnapshot(
    Map<String, Long> agentsByStatus, Map<String, Long> tasksByStatus, Map<String, PoolQueue> pools, OutboxLag outbox) {

  /**
   * @param depth ready tasks of the pool (claimable now)
   * @param oldestReadyAgeSeconds how long the oldest of them has been ready; 0 when none is
   */
  public record PoolQueue(long depth, double oldestReadyAgeSeconds) {}

  /**
   * @param pending outbox rows not yet published to Kafka
   * @param oldestPendingAgeSeconds how long the oldest of them has waited; 0 when none
   */
  public record OutboxLag(long pending, double oldestPendingAgeSeconds) {}
}
