package dev.workmesh.worker.dispatch;

import dev.workmesh.worker.WorkerMetrics;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
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
 * pool's share group, on a thread of its own. It polls only while a slot is free, one record per poll,
 * but does not hold that slot while it waits for a record: the idle pull must find a free slot free.
 * A record is claimed with a slot taken once it arrived; should a pull have taken the last one
 * meanwhile, the record is released to another member (the price of keeping the slot free). Every
 * record is settled explicitly:
 *
 * <ul>
 *   <li>ACCEPT when the claim was won, and when the task is not claimable any more (another worker
 *       has it, it was cancelled): the record was only a hint;
 *   <li>ACCEPT without claiming a record of another pool (the topic carries every pool; each pool's
 *       group sees all of them);
 *   <li>RELEASE only when the API could not be reached, so the hint goes to another member or comes
 *       back later. RELEASE counts towards the delivery limit and is never used to route;
 *   <li>REJECT a record that is not a dispatch record.
 * </ul>
 *
 * <p>A Kafka error the consumer cannot recover from ends that consumer: when the broker lost the share
 * group (replaced, or its data lost), its member is fenced for good ({@code GroupIdNotFoundException})
 * and every later poll returns nothing. The consumer is then closed and, after a backoff that doubles
 * while it keeps breaking, replaced by a new one, which joins the group the broker has now; the group
 * is set to start from the earliest record again, as the broker lost that setting with the group.
 */
final class PoolShareConsumer implements AutoCloseable {

  private static final Logger log = LoggerFactory.getLogger(PoolShareConsumer.class);
  private static final Duration POLL_TIMEOUT = Duration.ofSeconds(1);
  private static final Duration SLOT_WAIT = Duration.ofMillis(500);
  private static final Duration BACKOFF = Duration.ofSeconds(1);
  private static final Duration MAX_REPLACEMENT_BACKOFF = Duration.ofSeconds(30);

  private final String pool;
  private final String topic;
  private final Map<String, Object> config;
  private final Runnable groupStart;
  private final Slots slots;
  private final TaskClaimer claimer;
  private final WorkerMetrics metrics;
  private final CountDownLatch closing = new CountDownLatch(1);
  private volatile boolean running = true;
  private volatile KafkaShareConsumer<String, byte[]> consumer;
  private Thread thread;

  /**
   * @param config the share consumer's configuration, {@link KafkaClientConfigs#shareConsumer}
   * @param groupStart makes the share group start from the earliest record; run before a new consumer
   *     replaces a broken one
   */
  PoolShareConsumer(
      String pool, String topic, Map<String, Object> config, Runnable groupStart, Slots slots, TaskClaimer claimer,
      WorkerMetrics metrics) {
    this.pool = pool;
    this.topic = topic;
    this.config = config;
    this.groupStart = groupStart;
    this.slots = slots;
    this.claimer = claimer;
    this.metrics = metrics;
  }

  void start() {
    thread = Thread.ofPlatform().name("pool-consumer-" + pool).start(this::run);
  }

  private void run() {
    Duration backoff = BACKOFF;
    while (running) {
      long started = System.nanoTime();
      KafkaException broken = consumeUntilBroken();
      if (broken == null || !running) {
        return;
      }
      metrics.loopError("pool-consumer");
      metrics.consumerReplaced("pool-consumer");
      // One that served a while before it broke is replaced soon; one that breaks at once, later and later.
      if (Duration.ofNanos(System.nanoTime() - started).compareTo(MAX_REPLACEMENT_BACKOFF) > 0) {
        backoff = BACKOFF;
      }
      log.warn("Share consumer of pool '{}' cannot recover ({}); a new one joins share group {} in {}",
          pool, broken.toString(), config.get("group.id"), backoff);
      pause(backoff);
      backoff = backoff.multipliedBy(2).compareTo(MAX_REPLACEMENT_BACKOFF) > 0 ? MAX_REPLACEMENT_BACKOFF : backoff.multipliedBy(2);
      if (running) {
        groupStart.run();
      }
    }
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
      while (running) {
        try {
          pollOnce(shareConsumer);
        } catch (WakeupException | InterruptException e) {
          return null;
        } catch (KafkaException e) {
          if (!recoverable(e)) {
            return e;
          }
          loopFailed(e);
        } catch (RuntimeException e) {
          loopFailed(e);
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

  private void loopFailed(RuntimeException e) {
    metrics.loopError("pool-consumer");
    log.error("Share consumer of pool '{}' failed; polling again in {}", pool, BACKOFF, e);
    pause(BACKOFF);
  }

  private void pollOnce(KafkaShareConsumer<String, byte[]> shareConsumer) {
    if (!claimer.apiAvailable()) {
      pause(BACKOFF);
      return;
    }
    Optional<Slots.Permit> slot;
    try {
      slot = slots.tryAcquire(SLOT_WAIT);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      running = false;
      return;
    }
    if (slot.isEmpty()) {
      return;
    }
    slot.get().release(); // there is room; holding it through the poll would starve the idle pull
    ConsumerRecords<String, byte[]> records = shareConsumer.poll(POLL_TIMEOUT);
    for (ConsumerRecord<String, byte[]> record : records) {
      Slots.Permit forRecord = slots.tryAcquire().orElse(null);
      AcknowledgeType settlement;
      try {
        settlement = handle(record, forRecord);
      } catch (RuntimeException e) {
        // Every record must be settled before the next poll; this one goes back for another try.
        metrics.loopError("pool-consumer");
        log.error("Handling task record {}-{} of pool '{}' failed; releasing it", record.partition(), record.offset(), pool, e);
        settlement = AcknowledgeType.RELEASE;
      }
      shareConsumer.acknowledge(record, settlement);
    }
    if (!records.isEmpty()) {
      // Send the acknowledgements now: with every slot busy, the next poll may be far away.
      shareConsumer.commitAsync();
    }
  }

  private AcknowledgeType handle(ConsumerRecord<String, byte[]> record, Slots.Permit slot) {
    Optional<DispatchHint> hint = DispatchHint.parse(record.value());
    if (hint.isEmpty()) {
      release(slot);
      log.warn("Rejected a record on {} at {}-{} that is not a dispatch record", record.topic(), record.partition(), record.offset());
      return AcknowledgeType.REJECT;
    }
    if (!pool.equals(hint.get().pool())) {
      release(slot);
      return AcknowledgeType.ACCEPT;
    }
    if (slot == null) {
      // A pull took the last free slot while this consumer polled: the record goes back for another member.
      log.info("No free slot left for task {} of pool '{}' (a pull took it); releasing the record", hint.get().taskId(), pool);
      return AcknowledgeType.RELEASE;
    }
    TaskClaimer.Result result = claimer.claim(hint.get().taskId(), slot, "pooled");
    return result == TaskClaimer.Result.API_UNAVAILABLE ? AcknowledgeType.RELEASE : AcknowledgeType.ACCEPT;
  }

  private static void release(Slots.Permit slot) {
    if (slot != null) {
      slot.release();
    }
  }

  /** Waits for {@code duration}, or until {@link #close()}. */
  private void pause(Duration duration) {
    try {
      closing.await(duration.toNanos(), TimeUnit.NANOSECONDS);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      running = false;
    }
  }

  /** Stops polling; a record in hand is settled first. Waits for the thread to end. */
  @Override
  public void close() {
    running = false;
    closing.countDown();
    KafkaShareConsumer<String, byte[]> current = consumer;
    if (current != null) {
      current.wakeup();
    }
    if (thread != null) {
      try {
        thread.join(Duration.ofSeconds(30));
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
      }
    }
  }
}
