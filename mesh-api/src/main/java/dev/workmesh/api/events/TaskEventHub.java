package dev.workmesh.api.events;

import dev.workmesh.api.config.MeshApiProperties;
import dev.workmesh.core.outbox.MeshTopics;
import dev.workmesh.core.outbox.OutboxRelay;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.UUID;
import java.util.concurrent.ConcurrentHashMap;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.clients.consumer.OffsetAndTimestamp;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.header.Header;
import org.apache.kafka.common.serialization.StringDeserializer;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.boot.kafka.autoconfigure.KafkaProperties;
import org.springframework.context.SmartLifecycle;
import org.springframework.http.MediaType;
import org.springframework.stereotype.Component;
import org.springframework.web.servlet.mvc.method.annotation.SseEmitter;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;

/**
 * Feeds server-sent events from {@code mesh.task-events}, so that any API replica can serve any client.
 * Each replica reads every partition itself (no consumer group), starting {@code events-replay} in the
 * past, and keeps the latest {@code events-buffer} events in memory to resume a client from its
 * {@code Last-Event-ID} (the event's outbox id). Delivery is at least once; duplicates of one outbox id
 * are dropped.
 */
@Component
public class TaskEventHub implements SmartLifecycle {

  private static final Logger log = LoggerFactory.getLogger(TaskEventHub.class);

  record Event(long id, UUID missionId, String type, String json) {}

  private final KafkaProperties kafka;
  private final String topic;
  private final Duration replay;
  private final int capacity;
  private final JsonMapper json;
  private final TreeMap<Long, Event> buffer = new TreeMap<>();
  private final Map<UUID, Set<SseEmitter>> subscribers = new ConcurrentHashMap<>();
  private volatile boolean running;
  private Thread thread;

  TaskEventHub(KafkaProperties kafka, MeshTopics topics, MeshApiProperties properties, JsonMapper json) {
    this.kafka = kafka;
    this.topic = topics.taskEvents();
    this.replay = properties.kafka().eventsReplay();
    this.capacity = properties.kafka().eventsBuffer();
    this.json = json;
  }

  /** Replays buffered events of the mission newer than {@code lastEventId}, then streams new ones. */
  public void subscribe(UUID missionId, Long lastEventId, SseEmitter emitter) {
    try {
      // Opens the stream at once: a client (or a proxy) knows it is subscribed before the first event.
      emitter.send(SseEmitter.event().comment("subscribed"));
    } catch (IOException e) {
      return;
    }
    synchronized (buffer) {
      if (lastEventId != null) {
        for (Event e : buffer.tailMap(lastEventId, false).values()) {
          if (e.missionId().equals(missionId) && !send(emitter, e)) {
            return;
          }
        }
      }
      subscribers.computeIfAbsent(missionId, id -> ConcurrentHashMap.newKeySet()).add(emitter);
    }
    Runnable remove = () -> {
      Set<SseEmitter> set = subscribers.get(missionId);
      if (set != null) {
        set.remove(emitter);
      }
    };
    emitter.onCompletion(remove);
    emitter.onTimeout(remove);
    emitter.onError(t -> remove.run());
  }

  /** Sends a comment to every subscriber so that proxies keep idle streams open. */
  void keepAlive() {
    for (var entry : subscribers.entrySet()) {
      for (SseEmitter emitter : List.copyOf(entry.getValue())) {
        try {
          emitter.send(SseEmitter.event().comment("keep-alive"));
        } catch (IOException | IllegalStateException e) {
          entry.getValue().remove(emitter);
        }
      }
    }
  }

  private void publish(Event event) {
    synchronized (buffer) {
      if (buffer.putIfAbsent(event.id(), event) != null) {
        return; // a duplicate from at-least-once delivery
      }
      while (buffer.size() > capacity) {
        buffer.pollFirstEntry();
      }
      Set<SseEmitter> set = subscribers.get(event.missionId());
      if (set != null) {
        for (SseEmitter emitter : List.copyOf(set)) {
          if (!send(emitter, event)) {
            set.remove(emitter);
          }
        }
      }
    }
  }

  private static boolean send(SseEmitter emitter, Event e) {
    try {
      emitter.send(SseEmitter.event().id(Long.toString(e.id())).name(e.type()).data(e.json, MediaType.APPLICATION_JSON));
      return true;
    } catch (IOException | IllegalStateException ex) {
      return false;
    }
  }

  private void consume() {
    Map<String, Object> config = new HashMap<>(kafka.buildConsumerProperties());
    config.remove(ConsumerConfig.GROUP_ID_CONFIG);
    config.put(ConsumerConfig.ENABLE_AUTO_COMMIT_CONFIG, false);
    config.put(ConsumerConfig.CLIENT_ID_CONFIG, "mesh-api-events-" + UUID.randomUUID());
    while (running) {
      try (KafkaConsumer<String, String> consumer =
          new KafkaConsumer<>(config, new StringDeserializer(), new StringDeserializer())) {
        List<TopicPartition> partitions = consumer.partitionsFor(topic, Duration.ofSeconds(10)).stream()
            .map(p -> new TopicPartition(topic, p.partition())).toList();
        consumer.assign(partitions);
        seekToReplayWindow(consumer, partitions);
        while (running) {
          for (ConsumerRecord<String, String> record : consumer.poll(Duration.ofMillis(500))) {
            Event event = toEvent(record);
            if (event != null) {
              publish(event);
            }
          }
        }
      } catch (RuntimeException e) {
        if (running) {
          log.warn("task events feed: {}; reconnecting", e.toString());
          sleepQuietly(Duration.ofSeconds(2));
        }
      }
    }
  }

  private void seekToReplayWindow(KafkaConsumer<String, String> consumer, List<TopicPartition> partitions) {
    long since = Instant.now().minus(replay).toEpochMilli();
    Map<TopicPartition, Long> query = new HashMap<>();
    partitions.forEach(p -> query.put(p, since));
    Map<TopicPartition, OffsetAndTimestamp> offsets = consumer.offsetsForTimes(query, Duration.ofSeconds(10));
    List<TopicPartition> toEnd = new ArrayList<>();
    for (TopicPartition p : partitions) {
      OffsetAndTimestamp o = offsets.get(p);
      if (o == null) {
        toEnd.add(p);
      } else {
        consumer.seek(p, o.offset());
      }
    }
    consumer.seekToEnd(toEnd);
  }

  private Event toEvent(ConsumerRecord<String, String> record) {
    Header id = record.headers().lastHeader(OutboxRelay.OUTBOX_ID_HEADER);
    if (id == null || record.value() == null) {
      return null;
    }
    try {
      JsonNode node = json.readTree(record.value());
      return new Event(Long.parseLong(new String(id.value(), StandardCharsets.UTF_8)),
          UUID.fromString(node.get("mission_id").asString()), node.path("type").asString("task.event"),
          record.value());
    } catch (RuntimeException e) {
      log.debug("skipping an unreadable task event at offset {}: {}", record.offset(), e.toString());
      return null;
    }
  }

  private static void sleepQuietly(Duration d) {
    try {
      Thread.sleep(d.toMillis());
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
  }

  @Override
  public void start() {
    running = true;
    thread = Thread.ofPlatform().daemon().name("mesh-task-events").start(this::consume);
  }

  @Override
  public void stop() {
    running = false;
    if (thread != null) {
      thread.interrupt();
    }
    subscribers.values().forEach(set -> set.forEach(SseEmitter::complete));
  }

  @Override
  public boolean isRunning() {
    return running;
  }
}
