package dev.workmesh.core.outbox;

import java.sql.Connection;
import java.sql.SQLException;
import java.time.Duration;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import javax.sql.DataSource;
import org.postgresql.PGConnection;
import org.springframework.jdbc.datasource.ConnectionHolder;
import org.springframework.transaction.support.TransactionSynchronizationManager;

/**
 * The PostgreSQL sessions (backend process ids) of this process that recently appended outbox rows in a
 * transaction. The {@code mesh_outbox} notification names the session that sent it; one sent by a session
 * of this process follows a commit that {@link OutboxWriter#onCommitted} signalled already, so the relay
 * of this process need not run again for it.
 *
 * <p>A session is remembered for {@link #WINDOW} after its last append. The only way to mistake another
 * replica's notification for one of ours is for PostgreSQL to give one of our closed sessions' process id
 * to another replica's new session within that window; that relay then waits for its backstop poll.
 */
final class LocalOutboxSessions {

  /** How long after its last append a session's notification counts as already signalled. */
  static final Duration WINDOW = Duration.ofSeconds(2);
  private static final int PRUNE_ABOVE = 256;

  private final DataSource dataSource;
  private final Map<Integer, Long> lastAppendNanos = new ConcurrentHashMap<>();

  LocalOutboxSessions(DataSource dataSource) {
    this.dataSource = dataSource;
  }

  /** Notes the session of the current transaction, if it is a PostgreSQL one bound to this data source. */
  void noteCurrentTransaction() {
    if (!(TransactionSynchronizationManager.getResource(dataSource) instanceof ConnectionHolder holder)) {
      return;
    }
    try {
      Connection connection = holder.getConnection();
      if (connection.isWrapperFor(PGConnection.class)) {
        note(connection.unwrap(PGConnection.class).getBackendPID());
      }
    } catch (SQLException | RuntimeException e) {
      // Not a PostgreSQL session we can name: its notification simply wakes the relay once more.
    }
  }

  void note(int backendPid) {
    long now = System.nanoTime();
    lastAppendNanos.put(backendPid, now);
    if (lastAppendNanos.size() > PRUNE_ABOVE) {
      lastAppendNanos.values().removeIf(at -> now - at > WINDOW.toNanos());
    }
  }

  /** Whether {@code backendPid} is a session of this process that appended outbox rows within {@link #WINDOW}. */
  boolean recentlyAppended(int backendPid) {
    Long at = lastAppendNanos.get(backendPid);
    return at != null && System.nanoTime() - at <= WINDOW.toNanos();
  }
}
