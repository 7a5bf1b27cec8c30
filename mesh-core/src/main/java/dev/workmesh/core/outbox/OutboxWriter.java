package dev.workmesh.core.outbox;

import dev.workmesh.client.wire.DispatchRecord;
import dev.workmesh.core.db.MeshDb;
import java.util.List;
import java.util.UUID;
import org.springframework.jdbc.core.namedparam.MapSqlParameterSource;
import org.springframework.jdbc.core.namedparam.NamedParameterJdbcTemplate;

/**
 * Appends messages to the outbox in the caller's transaction (invariant 3): they become visible to the
 * {@link OutboxRelay} exactly when the change they describe commits, and vanish with a rollback.
 */
public final class OutboxWriter {

  private static final String INSERT =
      "INSERT INTO outbox (topic, message_key, payload, created_at) VALUES (:topic, :key, CAST(:payload AS json), :at)";

  private final MeshDb db;
  private final NamedParameterJdbcTemplate named;

  public OutboxWriter(MeshDb db) {
    this.db = db;
    this.named = new NamedParameterJdbcTemplate(db.dataSource());
  }

  /** One message to append. */
  public record Message(String topic, String key, Object payload) {}

  public static Message taskEvent(TaskEvent event) {
    return new Message(MeshTopics.TASK_EVENTS, event.taskId().toString(), event);
  }

  public static Message dispatch(DispatchRecord record) {
    String topic = "first_claim".equals(record.claimPolicy()) ? MeshTopics.TASKS_POOLED : MeshTopics.TASKS_DIRECTED;
    return new Message(topic, record.taskId().toString(), record);
  }

  public static Message agentEvent(AgentEvent event) {
    return new Message(MeshTopics.AGENT_EVENTS, event.agentId().toString(), event);
  }

  public void append(Message message) {
    append(List.of(message));
  }

  /** Appends in one JDBC batch, in order. */
  public void append(List<Message> messages) {
    if (messages.isEmpty()) {
      return;
    }
    var now = MeshDb.ts(db.now());
    MapSqlParameterSource[] batch =
        messages.stream()
            .map(m -> new MapSqlParameterSource()
                .addValue("topic", m.topic())
                .addValue("key", m.key())
                .addValue("payload", db.writeJson(m.payload()))
                .addValue("at", now))
            .toArray(MapSqlParameterSource[]::new);
    named.batchUpdate(INSERT, batch);
  }

  public static UUID newEventId() {
    return UUID.randomUUID();
  }
}
