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
final class DirectedConsumer implements AutoCloseable {

  private static final Logger log = LoggerFactory.getLogger(DirectedConsumer.class);
  private static final Duration POLL_TIMEOUT = Duration.ofSeconds(1);
  private static final Duration SLOT_WAIT = Duration.ofMillis(250);
  private static final Duration BACKOFF = Duration.ofSeconds(1);

  private final UUID agentId;
  private final String topic;
  private final Map<String, Object> config;
  private final Slots slots;
  private final TaskClaimer claimer;
  private final Runnable onLoopError;
  private final Deque<DispatchRecord> waiting = new ArrayDeque<>();
  private volatile boolean running = true;
  private volatile KafkaConsumer<String, byte[]> consumer;
  private Thread thread;

  DirectedConsumer(UUID agentId, String topic, Map<String, Object> config, Slots slots, TaskClaimer claimer, Runnable onLoopError) {
    this.agentId = agentId;
    this.topic = topic;
    this.config = config;
    this.slots = slots;
    this.claimer = claimer;
    this.onLoopError = onLoopError;
  }

  void start() {
    thread = Thread.ofPlatform().name("directed-consumer").start(this::run);
  }

  private void run() {
    try (KafkaConsumer<String, byte[]> kafka = new KafkaConsumer<>(config)) {
      consumer = kafka;
      kafka.subscribe(List.of(topic));
      log.info("Consuming {} in group {} for tasks targeting agent {}", topic, config.get("group.id"), agentId);
      while (running) {
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
          onLoopError.run();
          log.error("Directed consumer failed; polling again in {}", BACKOFF, e);
          sleep(BACKOFF);
        }
      }
    } catch (RuntimeException e) {
      onLoopError.run();
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
    while (!waiting.isEmpty() && running) {
      if (!claimer.apiAvailable()) {
        sleep(SLOT_WAIT);
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
      DispatchRecord hint = waiting.poll();
      if (claimer.claim(hint.taskId(), slot.get(), "directed") == TaskClaimer.Result.API_UNAVAILABLE) {
        waiting.addFirst(hint);
        return;
      }
    }
  }

  private void sleep(Duration duration) {
    try {
      Thread.sleep(duration);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      running = false;
    }
  }

  @Override
  public void close() {
    running = false;
    KafkaConsumer<String, byte[]> current = consumer;
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
