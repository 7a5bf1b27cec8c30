package dev.workmesh.core.outbox;

import dev.workmesh.core.db.MeshDb;
import java.nio.charset.StandardCharsets;
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

/**
 * Publishes committed outbox rows to Kafka in id order and marks them published (invariant 3).
 *
 * <p>Several replicas may run a relay: a transaction-scoped advisory lock lets one of them relay a batch
 * at a time, so records of one task never overtake each other across replicas. Within a batch, the
 * idempotent producer keeps per-partition order and the task id key keeps a task on one partition. If a
 * send fails the transaction rolls back and the whole batch is sent again later: delivery is at least
 * once, and every record carries its outbox id in the {@code mesh-outbox-id} header for deduplication.
 */
public final class OutboxRelay {

  /** Advisory-lock key of the relay ("MESHOUTB" as a long). */
  private static final long RELAY_LOCK = 0x4D4553484F555442L;

  public static final String OUTBOX_ID_HEADER = "mesh-outbox-id";

  private final MeshDb db;
  private final Producer<String, byte[]> producer;
  private final MeshTopics topics;
  private final int batchSize;
  private final Duration sendTimeout;

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
  public int relayOnce() {
    return db.inTransaction(() -> {
      Boolean locked =
          db.jdbc().sql("SELECT pg_try_advisory_xact_lock(:key)").param("key", RELAY_LOCK).query(Boolean.class).single();
      if (!Boolean.TRUE.equals(locked)) {
        return 0;
      }
      List<Row> rows =
          db.jdbc()
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
      db.jdbc()
          .sql("UPDATE outbox SET published_at = :now WHERE id = ANY(:ids)")
          .param("now", MeshDb.ts(db.now()))
          .param("ids", new org.springframework.jdbc.support.SqlArrayValue(
              "bigint", rows.stream().map(Row::id).toArray()))
          .update();
      return rows.size();
    });
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
