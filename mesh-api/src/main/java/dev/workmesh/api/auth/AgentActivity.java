package dev.workmesh.api.auth;

import dev.workmesh.api.config.MeshApiProperties;
import dev.workmesh.core.MeshCore;
import dev.workmesh.core.agent.Agent;
import dev.workmesh.core.agent.AgentStatus;
import java.time.Duration;
import java.time.Instant;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.ConcurrentHashMap;
import org.springframework.stereotype.Component;

/**
 * Every authenticated call of an agent is a sign of life: over REST, and therefore through the MCP server,
 * which calls this API with the agent's own token. The write is throttled per agent: the row read to
 * authenticate the call already says when the agent was last seen, and an in-memory note of the last write
 * keeps concurrent calls of one busy agent from writing it again, so an agent costs at most one UPDATE per
 * {@code mesh-api.agent-activity-write}. An agent that is not connected (unhealthy, or disconnected after
 * a silence) is connected again by its call, before the call is served: a claim then finds it eligible.
 */
@Component
public class AgentActivity {

  private final MeshCore core;
  private final Duration interval;
  /** When this replica last wrote each agent's sign of life; one entry per agent that called it. */
  private final Map<UUID, Instant> written = new ConcurrentHashMap<>();

  public AgentActivity(MeshCore core, MeshApiProperties properties) {
    this.core = core;
    this.interval = properties.agentActivityWrite();
  }

  /** Records that this agent (as authenticated just now) made a call. */
  void seen(Agent agent) {
    Instant now = core.db().now();
    Instant due = now.minus(interval);
    boolean connected = agent.status() == AgentStatus.CONNECTED;
    if (connected && agent.lastHeartbeatAt().isAfter(due)) {
      return;
    }
    boolean[] mine = {false};
    written.compute(agent.id(), (id, last) -> {
      if (connected && last != null && last.isAfter(due)) {
        return last;
      }
      mine[0] = true;
      return now;
    });
    if (mine[0]) {
      core.agents().signOfLife(agent.id());
    }
  }
}
