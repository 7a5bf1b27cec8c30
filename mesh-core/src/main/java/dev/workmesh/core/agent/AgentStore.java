package dev.workmesh.core.agent;

import dev.workmesh.core.Ids;
import dev.workmesh.core.NotFoundException;
import dev.workmesh.core.ValidationException;
import dev.workmesh.core.ValidationException.Violation;
import dev.workmesh.core.db.MeshDb;
import dev.workmesh.core.outbox.AgentEvent;
import dev.workmesh.core.outbox.OutboxWriter;
import dev.workmesh.core.task.TaskValidator;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.UUID;
import org.springframework.jdbc.core.RowMapper;
import tools.jackson.core.type.TypeReference;

/** Enrols agents, authenticates their tokens, records heartbeats and health changes. */
public final class AgentStore {

  public static final int MAX_CONCURRENCY = 1_000;
  public static final String TOKEN_PREFIX = "wm_agent_";

  private final MeshDb db;
  private final OutboxWriter outbox;
  private final RowMapper<Agent> mapper;

  public AgentStore(MeshDb db, OutboxWriter outbox) {
    this.db = db;
    this.outbox = outbox;
    this.mapper = (rs, i) -> new Agent(
        MeshDb.uuid(rs, "id"),
        rs.getString("name"),
        MeshDb.textList(rs, "pools"),
        MeshDb.textList(rs, "capabilities"),
        MeshDb.textList(rs, "runtimes"),
        rs.getInt("max_concurrency"),
        db.json().readValue(rs.getString("labels"), new TypeReference<Map<String, String>>() {}),
        AgentStatus.fromWire(rs.getString("status")),
        MeshDb.instant(rs, "enrolled_at"),
        MeshDb.instant(rs, "last_heartbeat_at"),
        MeshDb.instant(rs, "status_changed_at"));
  }

  /** Enrols an agent, connected from now on; the token is returned here and never again. */
  public Enrolled enrol(NewAgent request) {
    List<Violation> violations = new ArrayList<>();
    if (request.name() == null || request.name().isBlank() || request.name().length() > 200
        || request.name().indexOf('\0') >= 0) {
      violations.add(new Violation("name", "is required: 1 to 200 characters naming the agent or node"));
    }
    List<String> pools = request.pools() == null || request.pools().isEmpty()
        ? List.of(TaskValidator.DEFAULT_POOL) : request.pools();
    List<String> capabilities = request.capabilities() == null ? List.of() : request.capabilities();
    List<String> runtimes = request.runtimes() == null ? List.of() : request.runtimes();
    checkNames("pools", pools, violations);
    checkNames("capabilities", capabilities, violations);
    checkNames("runtimes", runtimes, violations);
    int maxConcurrency = request.maxConcurrency() == null ? 1 : request.maxConcurrency();
    if (maxConcurrency < 1 || maxConcurrency > MAX_CONCURRENCY) {
      violations.add(new Violation("max_concurrency", "must be between 1 and " + MAX_CONCURRENCY));
    }
    Map<String, String> labels = request.labels() == null ? Map.of() : new LinkedHashMap<>(request.labels());
    if (labels.size() > 64 || labels.entrySet().stream().anyMatch(e -> e.getKey() == null || e.getValue() == null
        || e.getKey().length() > 100 || e.getValue().length() > 500)) {
      violations.add(new Violation("labels", "at most 64 labels, keys up to 100 and values up to 500 characters"));
    }
    if (!violations.isEmpty()) {
      throw new ValidationException(violations);
    }
    String token = Ids.secret(TOKEN_PREFIX);
    UUID id = Ids.uuidV7(db.clock());
    Instant now = db.now();
    db.inTransaction(() -> {
      db.jdbc()
          .sql("INSERT INTO agent (id, name, pools, capabilities, runtimes, max_concurrency, labels, status, token_hash,"
              + " enrolled_at, last_heartbeat_at, status_changed_at) VALUES (:id, :name, :pools, :caps, :runtimes,"
              + " :max, CAST(:labels AS jsonb), 'connected', :hash, :now, :now, :now)")
          .param("id", id)
          .param("name", request.name().strip())
          .param("pools", MeshDb.textArray(pools.stream().distinct().toList()))
          .param("caps", MeshDb.textArray(capabilities.stream().distinct().sorted().toList()))
          .param("runtimes", MeshDb.textArray(runtimes.stream().distinct().toList()))
          .param("max", maxConcurrency)
          .param("labels", db.writeJson(labels))
          .param("hash", Ids.sha256(token))
          .param("now", MeshDb.ts(now))
          .update();
      outbox.append(OutboxWriter.agentEvent(new AgentEvent(OutboxWriter.newEventId(), "agent.enrolled", id,
          request.name().strip(), AgentStatus.CONNECTED.wire(), null, now)));
    });
    return new Enrolled(get(id), token);
  }

  /** The agent holding this token, unless it was revoked. */
  public Optional<Agent> authenticate(String token) {
    if (token == null || !token.startsWith(TOKEN_PREFIX)) {
      return Optional.empty();
    }
    return db.jdbc()
        .sql("SELECT * FROM agent WHERE token_hash = :hash AND status <> 'revoked'")
        .param("hash", Ids.sha256(token))
        .query(mapper)
        .optional();
  }

  public Optional<Agent> find(UUID id) {
    return db.jdbc().sql("SELECT * FROM agent WHERE id = :id").param("id", id).query(mapper).optional();
  }

  public Agent get(UUID id) {
    return find(id).orElseThrow(() -> new NotFoundException("agent", id));
  }

  public List<Agent> list(AgentStatus status) {
    return db.jdbc()
        .sql("SELECT * FROM agent WHERE (CAST(:status AS text) IS NULL OR status = CAST(:status AS text)) ORDER BY id")
        .param("status", status == null ? null : status.wire())
        .query(mapper)
        .list();
  }

  /**
   * Records a heartbeat; an unhealthy or disconnected agent is connected again. A revoked agent stays
   * revoked (its token no longer authenticates, so this is only reached by an operator).
   */
  public Agent heartbeat(UUID agentId) {
    return db.inTransaction(() -> {
      Agent before = lockAgent(agentId);
      Instant now = db.now();
      if (before.status() == AgentStatus.REVOKED) {
        return before;
      }
      db.jdbc()
          .sql("UPDATE agent SET last_heartbeat_at = :now WHERE id = :id")
          .param("now", MeshDb.ts(now))
          .param("id", agentId)
          .update();
      if (before.status() != AgentStatus.CONNECTED) {
        changeStatus(before, AgentStatus.CONNECTED);
      }
      return get(agentId);
    });
  }

  /**
   * Records a sign of life: any authenticated call of the agent, or a heartbeat of one of its claims. A
   * connected agent costs one UPDATE; an unhealthy or disconnected one is connected again, with its
   * {@code agent.status_changed} event ({@link #heartbeat}). A revoked agent stays revoked.
   */
  public void signOfLife(UUID agentId) {
    int renewed = db.jdbc()
        .sql("UPDATE agent SET last_heartbeat_at = greatest(last_heartbeat_at, :now) WHERE id = :id"
            + " AND status = 'connected'")
        .param("now", MeshDb.ts(db.now()))
        .param("id", agentId)
        .update();
    if (renewed == 0) {
      heartbeat(agentId);
    }
  }

  /**
   * Records the signs of life of many agents in one UPDATE, each at the time it was seen (a last sign of life
   * never moves back). An agent no longer connected (the watchdog flagged it since) is connected again by its
   * own {@link #signOfLife}; a revoked one stays revoked.
   */
  public void signsOfLife(Map<UUID, Instant> seenAt) {
    if (seenAt.isEmpty()) {
      return;
    }
    List<UUID> ids = List.copyOf(seenAt.keySet());
    Set<UUID> renewed = new HashSet<>(db.jdbc()
        .sql("UPDATE agent SET last_heartbeat_at = greatest(agent.last_heartbeat_at, seen.at)"
            + " FROM unnest(:ids, CAST(:at AS timestamptz[])) AS seen(id, at)"
            + " WHERE agent.id = seen.id AND agent.status = 'connected' RETURNING agent.id")
        .param("ids", MeshDb.uuidArray(ids))
        .param("at", MeshDb.textArray(ids.stream().map(id -> seenAt.get(id).toString()).toList()))
        .query(UUID.class)
        .list());
    for (UUID id : ids) {
      if (!renewed.contains(id)) {
        signOfLife(id);
      }
    }
  }

  /** Moves an agent to a new health status and publishes the change. In a transaction. */
  public void changeStatus(Agent agent, AgentStatus to) {
    Instant now = db.now();
    db.jdbc()
        .sql("UPDATE agent SET status = :status, status_changed_at = :now WHERE id = :id")
        .param("status", to.wire())
        .param("now", MeshDb.ts(now))
        .param("id", agent.id())
        .update();
    outbox.append(OutboxWriter.agentEvent(new AgentEvent(OutboxWriter.newEventId(),
        to == AgentStatus.REVOKED ? "agent.revoked" : "agent.status_changed", agent.id(), agent.name(), to.wire(),
        agent.status().wire(), now)));
  }

  /** Reads an agent and locks its row until the transaction ends. In a transaction. */
  public Agent lockAgent(UUID agentId) {
    return db.jdbc()
        .sql("SELECT * FROM agent WHERE id = :id FOR UPDATE")
        .param("id", agentId)
        .query(mapper)
        .optional()
        .orElseThrow(() -> new NotFoundException("agent", agentId));
  }

  private static void checkNames(String field, List<String> names, List<Violation> out) {
    if (names.size() > 64) {
      out.add(new Violation(field, "must list at most 64 names"));
      return;
    }
    for (int i = 0; i < names.size(); i++) {
      String n = names.get(i);
      if (n == null || !TaskValidator.NAME.matcher(n).matches()) {
        out.add(new Violation(field + "[" + i + "]", "must be 1 to 64 characters of letters, digits, '.', '_', ':'"
            + " or '-', starting with a letter or digit"));
      }
    }
  }
}
