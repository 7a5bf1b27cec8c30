package dev.workmesh.api.auth;

import dev.workmesh.api.config.MeshApiProperties;
import dev.workmesh.core.MeshCore;
import dev.workmesh.core.agent.Agent;
import dev.workmesh.core.agent.AgentStatus;
import java.time.Duration;
import java.time.Instant;
import java.util.HashMap;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.ConcurrentHashMap;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.dao.DataAccessException;
import org.springframework.scheduling.annotation.Scheduled;
import org.springframework.stereotype.Component;

/**
 * Every authenticated call of an agent is a sign of life: over REST, and therefore through the MCP server,
 * which calls this API with the agent's own token. It is written throttled per agent: the row read to
 * authenticate the call already says when the agent was last seen, and an in-memory note of the last one
 * noted keeps concurrent calls of one busy agent from noting it again, so an agent costs at most one write
 * per {@code mesh-api.agent-activity-write}.
 *
 * <p>A connected agent's sign of life is written off the request path: the call notes it and goes on, and
 * every {@value #FLUSH_MILLIS} ms one UPDATE writes all those noted, each at the time of its call. A call
 * therefore never waits for a database connection to say the agent lives (a storm of long-polls, each
 * writing before it waited, queued for the pool that way). An agent that is not connected (unhealthy, or
 * disconnected after a silence) is connected again by its call, before the call is served: a claim then
 * finds it eligible.
 */
@Component
public class AgentActivity {

  /** Signs of life of connected agents are written this often, so at most this long after their calls. */
  static final long FLUSH_MILLIS = 500;

  private static final Logger log = LoggerFactory.getLogger(AgentActivity.class);

  private final MeshCore core;
  private final Duration interval;
  /** When this replica last noted each agent's sign of life; one entry per agent that called it. */
  private final Map<UUID, Instant> noted = new ConcurrentHashMap<>();
  /** Signs of life of connected agents not written yet: when each agent's call came. */
  private final Map<UUID, Instant> unwritten = new ConcurrentHashMap<>();

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
    noted.compute(agent.id(), (id, last) -> {
      if (connected && last != null && last.isAfter(due)) {
        return last;
      }
      mine[0] = true;
      return now;
    });
    if (!mine[0]) {
      return;
    }
    if (connected) {
      unwritten.merge(agent.id(), now, (earlier, later) -> later.isAfter(earlier) ? later : earlier);
    } else {
      core.agents().signOfLife(agent.id());
    }
  }

  /** Writes the signs of life noted since the last time, in one statement. */
  @Scheduled(fixedDelay = FLUSH_MILLIS)
  void write() {
    if (unwritten.isEmpty()) {
      return;
    }
    Map<UUID, Instant> batch = new HashMap<>();
    for (UUID id : unwritten.keySet()) {
      Instant at = unwritten.remove(id);
      if (at != null) {
        batch.put(id, at);
      }
    }
    try {
      core.agents().signsOfLife(batch);
    } catch (DataAccessException e) {
      batch.keySet().forEach(noted::remove); // each agent's next call notes it again
      log.warn("The signs of life of {} agents were not written ({}); their next calls write them",
          batch.size(), e.getMessage());
    }
  }
}
