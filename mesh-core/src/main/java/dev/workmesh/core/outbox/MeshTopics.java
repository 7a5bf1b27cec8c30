package dev.workmesh.core.outbox;

/**
 * The Kafka topics of the mesh. The outbox stores logical names; {@link #resolve} adds the deployment's
 * prefix (empty by default; tests give each class its own).
 */
public record MeshTopics(String prefix) {

  /** A ready first_claim task, consumed by the share group {@code mesh-pool-<pool>}. */
  public static final String TASKS_POOLED = "mesh.tasks.pooled";
  /** A ready assigned or broadcast task with its targets, read by every worker. */
  public static final String TASKS_DIRECTED = "mesh.tasks.directed";
  /** Every lifecycle transition of every task. */
  public static final String TASK_EVENTS = "mesh.task-events";
  /** Enrolment, health changes and revocation of agents. */
  public static final String AGENT_EVENTS = "mesh.agent-events";

  public static final String[] ALL = {TASKS_POOLED, TASKS_DIRECTED, TASK_EVENTS, AGENT_EVENTS};

  public MeshTopics {
    prefix = prefix == null ? "" : prefix;
  }

  public String resolve(String logicalName) {
    return prefix + logicalName;
  }

  public String pooled() {
    return resolve(TASKS_POOLED);
  }

  public String directed() {
    return resolve(TASKS_DIRECTED);
  }

  public String taskEvents() {
    return resolve(TASK_EVENTS);
  }

  public String agentEvents() {
    return resolve(AGENT_EVENTS);
  }

  /** The share group that competes for {@code pool}'s first_claim tasks. */
  public String poolShareGroup(String pool) {
    return prefix + "mesh-pool-" + pool;
  }
}
