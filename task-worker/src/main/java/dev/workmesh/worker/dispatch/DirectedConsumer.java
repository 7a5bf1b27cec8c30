package dev.workmesh.worker.dispatch;

import dev.workmesh.client.wire.DispatchRecord;
import java.time.Duration;
import java.util.ArrayDeque;
import java.util.Deque;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.UUID;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.ConsumerRecords;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.common.errors.WakeupException;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Reads {@code mesh.tasks.directed} (assigned and broadcast tasks) in this agent's own consumer group
 * and claims the tasks whose {@code targets} name this agent. When every slot is busy, the records
 * for this agent wait in memory and the consumer pauses its partitions, so nothing more is read until
 * a slot frees; offsets are committed once records are read. A hint lost with a crash is found by
 * the start-up pull: the database, not the offset, says what is claimable.
 */
final class DirectedConsumer extends ConsumerLoop {

  private static final Logger log = LoggerFactory.getLogger(DirectedConsumer.class);
  private static final Duration POLL_TIMEOUT = Duration.ofSeconds(1);
  private static final Duration SLOT_WAIT = Duration.ofMillis(250);

  private final UUID agentId;
  private final String topic;
  private final Map<String, Object> config;
  private final Slots slots;
  private final TaskClaimer claimer;
  private final Deque<DispatchRecord> waiting = new ArrayDeque<>();
  private volatile KafkaConsumer<String, byte[]> consumer;

  DirectedConsumer(UUID agentId, String topic, Map<String, Object> config, Slots slots, TaskClaimer claimer, Runnable onLoopError) {
    super("directed-consumer", onLoopError);
    this.agentId = agentId;
    this.topic = topic;
    this.config = config;
    this.slots = slots;
    this.claimer = claimer;
  }

  @Override
  void run() {
    try (KafkaConsumer<String, byte[]> kafka = new KafkaConsumer<>(config)) {
      consumer = kafka;
      kafka.subscribe(List.of(topic));
      log.info("Consuming {} in group {} for tasks targeting agent {}", topic, config.get("group.id"), agentId);
      while (running()) {
        try {
          if (waiting.isEmpty()) {
            kafka.resume(kafka.paused());
            read(kafka.poll(POLL_TIMEOUT), kafka);
          } else {
            kafka.pause(kafka.assignment());
            claimWaiting();
            read(kafka.poll(Duration.ZERO), kafka); // keeps the membership alive; paused partitions return nothing
          }
        } catch (WakeupException e) {
          break;
        } catch (RuntimeException e) {
          loopFailed("Directed consumer", e);
        }
      }
    } catch (RuntimeException e) {
      loopError();
      log.error("Directed consumer stopped; the worker still pulls assigned and broadcast tasks from the API", e);
    } finally {
      consumer = null;
    }
  }

  private void read(ConsumerRecords<String, byte[]> records, KafkaConsumer<String, byte[]> kafka) {
    for (ConsumerRecord<String, byte[]> record : records) {
      Optional<DispatchRecord> hint = DispatchRecord.parse(record.value());
      if (hint.isEmpty()) {
        log.warn("Skipped a record on {} at {}-{} that is not a dispatch record", record.topic(), record.partition(), record.offset());
      } else if (hint.get().targets(agentId)) {
        waiting.add(hint.get());
      }
    }
    if (!records.isEmpty()) {
      kafka.commitAsync();
    }
    if (!waiting.isEmpty()) {
      claimWaiting();
    }
  }

  private void claimWaiting() {
    while (!waiting.isEmpty() && running()) {
      Optional<Slots.Permit> slot = freeSlot(slots, claimer, SLOT_WAIT, SLOT_WAIT);
      if (slot.isEmpty()) {
        return;
      }
      DispatchRecord hint = waiting.poll();
      if (claimer.claim(hint.taskId(), slot.get(), "directed") == TaskClaimer.Result.API_UNAVAILABLE) {
        waiting.addFirst(hint);
        return;
      }
    }
  }

  @Override
  void wakeup() {
    KafkaConsumer<String, byte[]> current = consumer;
    if (current != null) {
      current.wakeup();
    }
  }
}
