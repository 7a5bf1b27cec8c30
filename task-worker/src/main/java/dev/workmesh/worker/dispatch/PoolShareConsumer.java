package dev.workmesh.worker.dispatch;

import dev.workmesh.client.wire.DispatchRecord;
import dev.workmesh.worker.WorkerMetrics;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.UUID;
import org.apache.kafka.clients.consumer.AcknowledgeType;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.ConsumerRecords;
import org.apache.kafka.clients.consumer.KafkaShareConsumer;
import org.apache.kafka.common.KafkaException;
import org.apache.kafka.common.errors.InterruptException;
import org.apache.kafka.common.errors.InvalidRecordStateException;
import org.apache.kafka.common.errors.RetriableException;
import org.apache.kafka.common.errors.WakeupException;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Competes for one pool's first_claim tasks: a share consumer of {@code mesh.tasks.pooled} in the
 * pool's share group, on a thread of its own. It polls only while a slot is free, at most {@code
 * task-worker.poll-records} records per poll, but does not hold a slot while it waits for records: the
 * idle pull must find a free slot free. The tasks of a poll's records are claimed in one request, each
 * with a slot taken once the records arrived; a record for which no slot is free any more (the others
 * filled up meanwhile) is released to another member, so a busy worker never holds work an idle one
 * could run. Every record is settled explicitly:
 *
 * <ul>
 *   <li>ACCEPT when the claim was won, and when the task is not claimable any more (another worker
 *       has it, it was cancelled): the record was only a hint;
 *   <li>RELEASE when no slot was free for it once it arrived;
 *   <li>ACCEPT without claiming a record of another pool (the topic carries every pool; each pool's
 *       group sees all of them);
 *   <li>RELEASE only when the API could not be reached, so the hint goes to another member or comes
 *       back later. RELEASE counts towards the delivery limit and is never used to route;
 *   <li>REJECT a record that is not a dispatch record.
 * </ul>
 *
 * <p>A record released for lack of a slot goes back to the group, and each delivery counts towards its
 * delivery limit: with short tasks and few slots, records bounce between busy members until the broker
 * archives them, and their tasks wait for an idle pull or a re-dispatch. So after such a release, the first
 * poll that finds nothing while a slot is free pulls from the API at once, instead of at the next idle pull.
 *
 * <p>A Kafka error the consumer cannot recover from ends that consumer: when the broker lost the share
 * group (replaced, or its data lost), its member is fenced for good ({@code GroupIdNotFoundException})
 * and every later poll returns nothing. The consumer is then closed and, after a {@link ReplacementBackoff}
 * that doubles while it keeps breaking, replaced by a new one, which joins the group the broker has now; the group
 * is set to start from the earliest record again, as the broker lost that setting with the group.
 */
final class PoolShareConsumer extends ConsumerLoop {

  private static final Logger log = LoggerFactory.getLogger(PoolShareConsumer.class);
  private static final Duration POLL_TIMEOUT = Duration.ofSeconds(1);
  private static final Duration SLOT_WAIT = Duration.ofMillis(500);

  private final String pool;
  private final String topic;
  private final Map<String, Object> config;
  private final Runnable groupStart;
  private final Runnable pull;
  private final Slots slots;
  private final TaskClaimer claimer;
  private final WorkerMetrics metrics;
  private volatile KafkaShareConsumer<String, byte[]> consumer;
  /** The last poll with a free slot brought no record: this worker's partitions have nothing for it now. */
  private volatile boolean idle;
  /** A record went back to the group for lack of a slot since the last pull (this consumer's thread only). */
  private boolean surplusReleased;

  /**
   * @param config the share consumer's configuration, {@link KafkaClientConfigs#shareConsumer}
   * @param groupStart makes the share group start from the earliest record; run before a new consumer
   *     replaces a broken one
   * @param pull claims ready tasks from the API for the free slots (the idle pull's step)
   */
  PoolShareConsumer(
      String pool, String topic, Map<String, Object> config, Runnable groupStart, Runnable pull, Slots slots,
      TaskClaimer claimer, WorkerMetrics metrics) {
    super("pool-consumer-" + pool, () -> metrics.loopError("pool-consumer"));
    this.pool = pool;
    this.topic = topic;
    this.config = config;
    this.groupStart = groupStart;
    this.pull = pull;
    this.slots = slots;
    this.claimer = claimer;
    this.metrics = metrics;
  }

  @Override
  void run() {
    ReplacementBackoff replacements = new ReplacementBackoff();
    while (running()) {
      long started = System.nanoTime();
      KafkaException broken = consumeUntilBroken();
      if (broken == null || !running()) {
        return;
      }
      loopError();
      metrics.consumerReplaced("pool-consumer");
      Duration backoff = replacements.afterBreak(Duration.ofNanos(System.nanoTime() - started));
      log.warn("Share consumer of pool '{}' cannot recover ({}); a new one joins share group {} in {}",
          pool, broken.toString(), config.get("group.id"), backoff);
      pause(backoff);
      if (running()) {
        groupStart.run();
      }
    }
  }

  /**
   * Whether this consumer's last poll with a free slot brought no record: what the share group gives this
   * worker is drained, so a pull takes nothing its records would bring.
   */
  boolean idle() {
    return idle;
  }

  /**
   * Consumes with a new share consumer until {@link #close()} (returns null) or until the consumer hits
   * an error it cannot recover from (returns it, the consumer closed).
   */
  private KafkaException consumeUntilBroken() {
    try (KafkaShareConsumer<String, byte[]> shareConsumer = new KafkaShareConsumer<>(config)) {
      consumer = shareConsumer;
      shareConsumer.subscribe(List.of(topic));
      log.info("Consuming {} in share group {} for pool '{}'", topic, config.get("group.id"), pool);
      while (running()) {
        try {
          pollOnce(shareConsumer);
        } catch (WakeupException | InterruptException e) {
          return null;
        } catch (KafkaException e) {
          if (!recoverable(e)) {
            return e;
          }
          loopFailed("Share consumer of pool '" + pool + "'", e);
        } catch (RuntimeException e) {
          loopFailed("Share consumer of pool '" + pool + "'", e);
        }
      }
      return null;
    } catch (KafkaException e) {
      return e; // it could not be created, or closing it failed: a new one may fare better
    } finally {
      consumer = null;
    }
  }

  /**
   * Whether the same consumer may poll again: the client retries retriable errors itself, and a
   * record whose acquisition lock ran out before its acknowledgement simply went back to the group.
   */
  private static boolean recoverable(KafkaException e) {
    return e instanceof RetriableException || e instanceof InvalidRecordStateException;
  }

  private void pollOnce(KafkaShareConsumer<String, byte[]> shareConsumer) {
    Optional<Slots.Permit> slot = freeSlot(slots, claimer, BACKOFF, SLOT_WAIT);
    if (slot.isEmpty()) {
      return;
    }
    slot.get().release(); // there is room; holding it through the poll would starve the idle pull
    ConsumerRecords<String, byte[]> records = shareConsumer.poll(POLL_TIMEOUT);
    idle = records.isEmpty();
    if (records.isEmpty()) {
      if (surplusReleased) {
        surplusReleased = false;
        pull.run();
      }
      return;
    }
    Map<ConsumerRecord<String, byte[]>, AcknowledgeType> settlements = new LinkedHashMap<>();
    List<ConsumerRecord<String, byte[]>> claiming = new ArrayList<>();
    List<UUID> taskIds = new ArrayList<>();
    List<Slots.Permit> permits = new ArrayList<>();
    for (ConsumerRecord<String, byte[]> record : records) {
      try {
        Optional<DispatchRecord> hint = DispatchRecord.parse(record.value());
        if (hint.isEmpty()) {
          log.warn("Rejected a record on {} at {}-{} that is not a dispatch record", record.topic(), record.partition(),
              record.offset());
          settlements.put(record, AcknowledgeType.REJECT);
        } else if (!pool.equals(hint.get().pool())) {
          settlements.put(record, AcknowledgeType.ACCEPT);
        } else {
          Optional<Slots.Permit> forRecord = slots.tryAcquire();
          if (forRecord.isEmpty()) {
            // The slots filled up (an attempt, or a pull took them) while this consumer polled: another member takes it.
            // Routine for a busy worker with short tasks, so counted (workmesh_worker_records_surplus_total), not logged.
            log.debug("No free slot left for task {} of pool '{}'; releasing the record", hint.get().taskId(), pool);
            settlements.put(record, AcknowledgeType.RELEASE);
            metrics.surplusReleased();
            surplusReleased = true;
          } else {
            claiming.add(record);
            taskIds.add(hint.get().taskId());
            permits.add(forRecord.get());
          }
        }
      } catch (RuntimeException e) {
        loopError();
        log.error("Handling task record {}-{} of pool '{}' failed; releasing it", record.partition(), record.offset(), pool, e);
        settlements.put(record, AcknowledgeType.RELEASE);
      }
    }
    claim(claiming, taskIds, permits, settlements);
    settlements.forEach(shareConsumer::acknowledge);
    if (sendAcknowledgementsNow(settlements, slots)) {
      shareConsumer.commitAsync();
    }
  }

  /**
   * Every record is settled before the next poll. Its acknowledgements ride on that poll's share fetch
   * when it follows at once (a slot is still free), which saves the broker a request per poll; they go
   * on their own now when the next poll may be far away (every slot busy) or when a record was released,
   * so that another member gets it without waiting for this one.
   */
  static boolean sendAcknowledgementsNow(Map<?, AcknowledgeType> settlements, Slots slots) {
    return slots.free() == 0 || settlements.containsValue(AcknowledgeType.RELEASE);
  }

  /** Claims the tasks of a poll's records in one request; a record is accepted unless the API could not decide. */
  private void claim(List<ConsumerRecord<String, byte[]>> records, List<UUID> taskIds, List<Slots.Permit> permits,
      Map<ConsumerRecord<String, byte[]>, AcknowledgeType> settlements) {
    if (records.isEmpty()) {
      return;
    }
    Map<UUID, TaskClaimer.Result> results;
    try {
      results = claimer.claimAll(taskIds, permits, "pooled");
    } catch (RuntimeException e) {
      loopError();
      log.error("Claiming {} task(s) of pool '{}' failed; releasing their records", taskIds.size(), pool, e);
      permits.forEach(Slots.Permit::release);
      records.forEach(r -> settlements.put(r, AcknowledgeType.RELEASE));
      return;
    }
    for (int i = 0; i < records.size(); i++) {
      TaskClaimer.Result result = results.get(taskIds.get(i));
      settlements.put(records.get(i),
          result == TaskClaimer.Result.API_UNAVAILABLE ? AcknowledgeType.RELEASE : AcknowledgeType.ACCEPT);
    }
  }

  @Override
  void wakeup() {
    KafkaShareConsumer<String, byte[]> current = consumer;
    if (current != null) {
      current.wakeup();
    }
  }
}
