package dev.workmesh.worker.dispatch;

import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;
import org.apache.kafka.common.serialization.StringDeserializer;

/**
 * Client configurations built from the deployment's common Kafka settings (bootstrap servers, TLS,
 * SASL: Boot's {@code spring.kafka.*}) plus what each consumer of the worker needs.
 */
final class KafkaClientConfigs {

  /** Settings a share consumer rejects with a ConfigException; dropped if the common settings carry them. */
  static final List<String> UNSUPPORTED_BY_SHARE_CONSUMERS =
      List.of(
          "auto.offset.reset", "enable.auto.commit", "group.instance.id", "isolation.level", "partition.assignment.strategy",
          "interceptor.classes", "session.timeout.ms", "heartbeat.interval.ms", "group.protocol", "group.remote.assignor");

  private KafkaClientConfigs() {}

  /**
   * A share consumer that acknowledges each record explicitly and is handed at most {@code pollRecords}
   * records per poll (at most the worker's slots): the worker polls only with a free slot and claims no
   * more than its free slots, so it never holds more records than it could run.
   * {@code share.acquire.mode=record_limit} (Kafka 4.2, KIP-1206) makes the broker acquire at most
   * {@code max.poll.records} records per fetch; the default {@code batch_optimized} may lock a whole
   * batch for this consumer for the 30s acquisition lock while idle workers wait.
   */
  static Map<String, Object> shareConsumer(Map<String, Object> common, String groupId, String clientId, int pollRecords) {
    Map<String, Object> config = base(common, clientId);
    UNSUPPORTED_BY_SHARE_CONSUMERS.forEach(config::remove);
    config.put(ConsumerConfig.GROUP_ID_CONFIG, groupId);
    config.put(ConsumerConfig.SHARE_ACKNOWLEDGEMENT_MODE_CONFIG, "explicit");
    config.put(ConsumerConfig.SHARE_ACQUIRE_MODE_CONFIG, "record_limit");
    config.put(ConsumerConfig.MAX_POLL_RECORDS_CONFIG, pollRecords);
    return config;
  }

  /**
   * A consumer of the directed topic in the agent's own group. A new group starts at the earliest
   * record, so a task assigned between enrolment and the first poll is not missed; records not
   * targeting this agent are skipped cheaply.
   */
  static Map<String, Object> directedConsumer(Map<String, Object> common, String groupId, String clientId) {
    Map<String, Object> config = base(common, clientId);
    config.put(ConsumerConfig.GROUP_ID_CONFIG, groupId);
    config.put(ConsumerConfig.ENABLE_AUTO_COMMIT_CONFIG, false);
    config.put(ConsumerConfig.AUTO_OFFSET_RESET_CONFIG, "earliest");
    config.put(ConsumerConfig.MAX_POLL_RECORDS_CONFIG, 50);
    return config;
  }

  private static Map<String, Object> base(Map<String, Object> common, String clientId) {
    Map<String, Object> config = new HashMap<>(common);
    config.put(ConsumerConfig.CLIENT_ID_CONFIG, clientId);
    config.put(ConsumerConfig.KEY_DESERIALIZER_CLASS_CONFIG, StringDeserializer.class);
    config.put(ConsumerConfig.VALUE_DESERIALIZER_CLASS_CONFIG, ByteArrayDeserializer.class);
    return config;
  }
}
