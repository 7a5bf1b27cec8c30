package dev.workmesh.api.auth;

import dev.workmesh.core.agent.Agent;
import java.util.UUID;

/** Who is calling: the operator, or one agent acting only as itself. */
public sealed interface Caller {

  /** The agent id this caller acts as, or null for the operator. */
  UUID agentId();

  /** The name kept as a task's {@code submitted_by}. */
  String name();

  record Operator() implements Caller {
    public UUID agentId() {
      return null;
    }

    public String name() {
      return "operator";
    }
  }

  record AgentCaller(Agent agent) implements Caller {
    public UUID agentId() {
      return agent.id();
    }

    public String name() {
      return "agent:" + agent.id();
    }
  }

  default boolean isOperator() {
    return this instanceof Operator;
  }
}
