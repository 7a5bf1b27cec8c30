package dev.workmesh.core.outbox;

import dev.workmesh.core.db.MeshDb;
import java.nio.charset.StandardCharsets;
import java.sql.Connection;
import java.sql.SQLException;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import org.apache.kafka.clients.producer.Producer;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.clients.producer.RecordMetadata;
import org.apache.kafka.common.header.internals.RecordHeader;
import org.springframework.jdbc.CannotGetJdbcConnectionException;
import org.springframework.jdbc.core.simple.JdbcClient;
import org.springframework.jdbc.datasource.SingleConnectionDataSource;

/**
 * Publishes committed outbox rows to Kafka in id order and marks them published (invariant 3).
 *
 * <p>Several replicas may run a relay; one of them relays at a time, so records of one task never overtake
 * each other across replicas. That one holds the relay's advisory lock on a connection of its own for as long
 * as it relays without a failure: a pass is then a read of the batch and, once Kafka has acknowledged it,
 * the mark (two round trips, no transaction). A relay that fails lets go of the lock and its connection, and
 * the lock goes with a relay whose connection or process dies, so another replica's next pass takes over.
 * Within a batch, the idempotent producer keeps per-partition order and the task id key keeps a task on one
 * partition. If a send fails nothing is marked and the whole batch is sent again later: delivery is at least
 * once, and every record carries its outbox id in the {@code mesh-outbox-id} header for deduplication.
 */
public final class OutboxRelay implements AutoCloseable {

  /** Advisory-lock key of the relay ("MESHOUTB" as a long). */
  private static final long RELAY_LOCK = 0x4D4553484F555442L;

  public static final String OUTBOX_ID_HEADER = "mesh-outbox-id";

  private final MeshDb db;
  private final Producer<String, byte[]> producer;
  private final MeshTopics topics;
  private final int batchSize;
  private final Duration sendTimeout;

  /** The connection that holds the relay lock, while this relay holds it; null otherwise. */
  private Connection holding;
  private JdbcClient onHolding;

  public OutboxRelay(
      MeshDb db, Producer<String, byte[]> producer, MeshTopics topics, int batchSize, Duration sendTimeout) {
    this.db = db;
    this.producer = producer;
    this.topics = topics;
    this.batchSize = batchSize;
    this.sendTimeout = sendTimeout;
  }

  private record Row(long id, String topic, String key, String payload) {}

  /**
   * Publishes one batch of unpublished rows.
   *
   * @return how many rows were published; 0 when there were none or another replica holds the relay lock
   * @throws OutboxPublishException when Kafka did not acknowledge the batch; nothing is marked published
   */
  public synchronized int relayOnce() {
    try {
      if (holding == null && !takeLock()) {
        return 0;
      }
      List<Row> rows = onHolding
          .sql("SELECT id, topic, message_key, payload::text AS payload FROM outbox"
              + " WHERE published_at IS NULL ORDER BY id LIMIT :n")
          .param("n", batchSize)
          .query((rs, i) -> new Row(rs.getLong("id"), rs.getString("topic"), rs.getString("message_key"),
              rs.getString("payload")))
          .list();
      if (rows.isEmpty()) {
        return 0;
      }
      send(rows);
      onHolding
          .sql("UPDATE outbox SET published_at = :now WHERE id = ANY(:ids)")
          .param("now", MeshDb.ts(db.now()))
          .param("ids", new org.springframework.jdbc.support.SqlArrayValue(
              "bigint", rows.stream().map(Row::id).toArray()))
          .update();
      return rows.size();
    } catch (RuntimeException e) {
      letGo();
      throw e;
    }
  }

  /** Takes the relay lock on a connection of its own, kept while this relay holds the lock. */
  private boolean takeLock() {
    Connection connection;
    try {
      connection = db.dataSource().getConnection();
    } catch (SQLException e) {
      throw new CannotGetJdbcConnectionException("the outbox relay could not get a connection", e);
    }
    JdbcClient jdbc = JdbcClient.create(new SingleConnectionDataSource(connection, true));
    boolean locked;
    try {
      locked = Boolean.TRUE.equals(
          jdbc.sql("SELECT pg_try_advisory_lock(:key)").param("key", RELAY_LOCK).query(Boolean.class).single());
    } catch (RuntimeException e) {
      close(connection);
      throw e;
    }
    if (!locked) {
      close(connection);
      return false;
    }
    holding = connection;
    onHolding = jdbc;
    return true;
  }

  /** Lets go of the relay lock, if this relay holds it: another replica's relay may take it. */
  private void letGo() {
    if (holding != null) {
      try {
        onHolding.sql("SELECT pg_advisory_unlock(:key)").param("key", RELAY_LOCK).query(Boolean.class).single();
      } catch (RuntimeException e) {
        // the connection is gone, and the lock with it
      }
      close(holding);
      holding = null;
      onHolding = null;
    }
  }

  private static void close(Connection connection) {
    try {
      connection.close();
    } catch (SQLException e) {
      // given back or gone: either way no longer ours
    }
  }

  /** Lets go of the relay lock and the connection that holds it. */
  @Override
  public synchronized void close() {
    letGo();
  }

  private void send(List<Row> rows) {
    List<Future<RecordMetadata>> acks = new ArrayList<>(rows.size());
    for (Row row : rows) {
      ProducerRecord<String, byte[]> record =
          new ProducerRecord<>(topics.resolve(row.topic()), row.key(), row.payload().getBytes(StandardCharsets.UTF_8));
      record.headers().add(new RecordHeader(OUTBOX_ID_HEADER,
          Long.toString(row.id()).getBytes(StandardCharsets.UTF_8)));
      Future<RecordMetadata> ack = producer.send(record);
      acks.add(ack);
      if (ack.isDone() && ack.state() == Future.State.FAILED) {
        break; // the broker is unreachable: do not wait out the metadata timeout once per record
      }
    }
    producer.flush();
    long deadline = System.nanoTime() + sendTimeout.toNanos();
    try {
      for (Future<RecordMetadata> ack : acks) {
        ack.get(Math.max(1, deadline - System.nanoTime()), TimeUnit.NANOSECONDS);
      }
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new OutboxPublishException("interrupted while publishing " + rows.size() + " outbox rows", e);
    } catch (ExecutionException | TimeoutException e) {
      throw new OutboxPublishException(
          "Kafka did not acknowledge " + rows.size() + " outbox rows (first id " + rows.getFirst().id() + "): "
              + (e.getCause() != null ? e.getCause() : e), e);
    }
  }

  /** How many rows wait to be published, and the age of the oldest (zero when none). */
  public record Lag(long rows, Duration oldest) {}

  public Lag lag() {
    return db.jdbc()
        .sql("SELECT count(*) AS n, min(created_at) AS oldest FROM outbox WHERE published_at IS NULL")
        .query((rs, i) -> {
          Instant oldest = MeshDb.instant(rs, "oldest");
          return new Lag(rs.getLong("n"), oldest == null ? Duration.ZERO : Duration.between(oldest, db.now()));
        })
        .single();
  }

  /** Deletes rows published before {@code now - retention}; returns how many. */
  public int purgePublished(Duration retention) {
    return db.jdbc()
        .sql("DELETE FROM outbox WHERE published_at < :cutoff")
        .param("cutoff", MeshDb.ts(db.now().minus(retention)))
        .update();
  }
}
