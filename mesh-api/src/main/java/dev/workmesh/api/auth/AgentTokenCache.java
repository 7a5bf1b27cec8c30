package dev.workmesh.api.auth;

import dev.workmesh.core.Ids;
import dev.workmesh.core.agent.Agent;
import dev.workmesh.core.agent.AgentStore;
import dev.workmesh.core.db.PgNotifications;
import java.nio.ByteBuffer;
import java.util.Map;
import java.util.Optional;
import java.util.UUID;
import java.util.concurrent.ConcurrentHashMap;

/**
 * Agent tokens authenticated from memory: the agent row of each token hash this replica has seen, kept
 * true by PostgreSQL notifications. Every change of an agent's status (a revocation above all) notifies
 * {@value #CHANNEL} in the transaction that makes it (a trigger on the agent table), and each replica drops
 * that agent when the notification arrives, so the next request reads the row again and finds it revoked.
 *
 * <p>Three races are closed here. A row read from the database just before a revocation committed is not
 * cached if any notification arrived while it was being read (the {@code generation} check). While no
 * connection listens, nothing is cached or served from memory: every request reads the database, so a
 * revocation committed while notifications could be missed is seen at once. And when a new connection
 * listens, everything learnt under the previous one is dropped. Unknown tokens are never cached.
 */
public final class AgentTokenCache {

  public static final String CHANNEL = "mesh_agent_changed";

  private final AgentStore agents;
  private final PgNotifications notifications;
  private final Map<ByteBuffer, Agent> byTokenHash = new ConcurrentHashMap<>();
  private final Object lock = new Object();
  /** Bumped by every notification and every change of connection; guarded by {@code lock} for writes. */
  private volatile long generation;
  /** The listening connection the cached rows were read under; guarded by {@code lock}. */
  private volatile long filledUnder;

  public AgentTokenCache(AgentStore agents, PgNotifications notifications) {
    this.agents = agents;
    this.notifications = notifications;
    notifications.subscribe(CHANNEL, this::changed);
  }

  /** The agent holding this token, unless it was revoked: from memory when it can be trusted. */
  public Optional<Agent> authenticate(String token) {
    if (token == null || !token.startsWith(AgentStore.TOKEN_PREFIX)) {
      return Optional.empty();
    }
    long epoch = notifications.listeningEpoch();
    if (epoch == 0) {
      if (filledUnder != 0 || !byTokenHash.isEmpty()) {
        dropAll(0);
      }
      return agents.authenticate(token);
    }
    ByteBuffer hash = ByteBuffer.wrap(Ids.sha256(token));
    if (filledUnder != epoch) {
      dropAll(epoch);
    }
    Agent known = byTokenHash.get(hash);
    if (known != null) {
      return Optional.of(known);
    }
    long before = generation;
    Optional<Agent> read = agents.authenticate(token);
    read.ifPresent(agent -> {
      synchronized (lock) {
        if (generation == before && filledUnder == epoch && notifications.listeningEpoch() == epoch) {
          byTokenHash.put(hash, agent);
        }
      }
    });
    return read;
  }

  /** How many tokens are held in memory. */
  public int size() {
    return byTokenHash.size();
  }

  /**
   * Drops the agent at once, without waiting for its notification: the replica that revoked an agent
   * refuses its token from the next request on.
   */
  public void forget(UUID id) {
    synchronized (lock) {
      generation++;
      byTokenHash.values().removeIf(agent -> agent.id().equals(id));
    }
  }

  private void changed(String agentId) {
    UUID id;
    try {
      id = UUID.fromString(agentId);
    } catch (IllegalArgumentException e) {
      return;
    }
    forget(id);
  }

  private void dropAll(long epoch) {
    synchronized (lock) {
      if (filledUnder != epoch || !byTokenHash.isEmpty()) {
        generation++;
        byTokenHash.clear();
        filledUnder = epoch;
      }
    }
  }
}
