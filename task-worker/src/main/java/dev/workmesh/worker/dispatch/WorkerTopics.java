package dev.workmesh.worker.dispatch;

import java.util.UUID;

/**
 * The Kafka names the worker uses, with the deployment's prefix: the same names as mesh-core's
 * {@code MeshTopics} (a test holds them equal), plus the worker's own group for the directed topic.
 */
public record WorkerTopics(String prefix) {

  public WorkerTopics {
    prefix = prefix == null ? "" : prefix;
  }

  /** First_claim tasks that became ready, consumed by one share group per pool. */
  public String pooled() {
    return prefix + "mesh.tasks.pooled";
  }

  /** Assigned and broadcast tasks with their target agents, read by every worker. */
  public String directed() {
    return prefix + "mesh.tasks.directed";
  }

  /** The share group that competes for {@code pool}'s first_claim tasks. */
  public String poolShareGroup(String pool) {
    return prefix + "mesh-pool-" + pool;
  }

  /** This agent's own consumer group on the directed topic: it sees every record. */
  public String directedGroup(UUID agentId) {
    return prefix + "mesh-directed-" + agentId;
  }
}
