package dev.workmesh.core.outbox;

import dev.workmesh.client.wire.DispatchRecord;
import dev.workmesh.core.db.MeshDb;
import java.util.List;
import java.util.UUID;
import java.util.concurrent.CopyOnWriteArrayList;
import org.springframework.jdbc.core.namedparam.MapSqlParameterSource;
import org.springframework.jdbc.core.namedparam.NamedParameterJdbcTemplate;
import org.springframework.transaction.support.TransactionSynchronization;
import org.springframework.transaction.support.TransactionSynchronizationManager;

/**
 * Appends messages to the outbox in the caller's transaction (invariant 3): they become visible to the
 * {@link OutboxRelay} exactly when the change they describe commits, and vanish with a rollback.
 *
 * <p>Whoever relays in this process learns of committed rows from {@link #onCommitted}, right after the
 * commit and on the committing thread: the database's notification reaches every replica too, but a
 * round trip through PostgreSQL and the listening thread later.
 */
public final class OutboxWriter {

  private static final String INSERT =
      "INSERT INTO outbox (topic, message_key, payload, created_at) VALUES (:topic, :key, CAST(:payload AS json), :at)";

  private final MeshDb db;
  private final NamedParameterJdbcTemplate named;
  private final List<Runnable> committedListeners = new CopyOnWriteArrayList<>();
  private final LocalOutboxSessions sessions;

  public OutboxWriter(MeshDb db) {
    this.db = db;
    this.named = new NamedParameterJdbcTemplate(db.dataSource());
    this.sessions = new LocalOutboxSessions(db.dataSource());
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

  /**
   * Calls {@code listener} after each commit that appended messages (once per append; without a
   * transaction, after the append). It runs on the committing thread: it must only signal, never block.
   */
  public void onCommitted(Runnable listener) {
    committedListeners.add(listener);
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
    appended();
  }

  /**
   * Says that the caller appended rows with a statement of its own (one that writes the outbox along with
   * the change): the {@link #onCommitted} listeners hear of them after the commit.
   */
  public void appended() {
    if (committedListeners.isEmpty()) {
      return;
    }
    if (!TransactionSynchronizationManager.isSynchronizationActive()) {
      committedListeners.forEach(Runnable::run);
      return;
    }
    sessions.noteCurrentTransaction();
    TransactionSynchronizationManager.registerSynchronization(new TransactionSynchronization() {
      @Override
      public void afterCommit() {
        committedListeners.forEach(Runnable::run);
      }
    });
  }

  /**
   * Whether the {@code mesh_outbox} notification sent by PostgreSQL session {@code backendPid} follows a
   * commit of this process, which the {@link #onCommitted} listeners heard of already.
   */
  public boolean signalledAlready(int backendPid) {
    return sessions.recentlyAppended(backendPid);
  }

  public static UUID newEventId() {
    return UUID.randomUUID();
  }
}
