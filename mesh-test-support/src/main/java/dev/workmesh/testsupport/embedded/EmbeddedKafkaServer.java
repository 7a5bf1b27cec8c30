package dev.workmesh.testsupport.embedded;

import java.util.Map;
import org.springframework.kafka.test.EmbeddedKafkaKraftBroker;

/**
 * A single-node KRaft Kafka 4.2 broker in this JVM with share groups (KIP-932) working.
 *
 * <p>A share group keeps its state in an internal topic whose replication factor defaults to 3; with one
 * broker that topic cannot be created and share consumers silently receive nothing, hence the overrides.
 */
public final class EmbeddedKafkaServer implements AutoCloseable {

  /** Broker settings a one-node cluster needs for consumer groups, transactions and share groups. */
  public static final Map<String, String> SINGLE_NODE_SETTINGS =
      Map.of(
          "share.coordinator.state.topic.replication.factor", "1",
          "share.coordinator.state.topic.min.isr", "1",
          "offsets.topic.replication.factor", "1",
          "transaction.state.log.replication.factor", "1",
          "transaction.state.log.min.isr", "1",
          "group.initial.rebalance.delay.ms", "0",
          "auto.create.topics.enable", "false");

  private final EmbeddedKafkaKraftBroker broker;

  private EmbeddedKafkaServer(EmbeddedKafkaKraftBroker broker) {
    this.broker = broker;
  }

  /** Starts a broker on any free port. */
  public static EmbeddedKafkaServer start() {
    return start(0);
  }

  /** Starts a broker on {@code port} (0 for any free port). Its log lives in a temporary directory. */
  public static EmbeddedKafkaServer start(int port) {
    EmbeddedKafkaKraftBroker broker = new EmbeddedKafkaKraftBroker(1, 1);
    broker.brokerProperties(SINGLE_NODE_SETTINGS);
    if (port > 0) {
      broker.kafkaPorts(port);
    }
    broker.afterPropertiesSet();
    return new EmbeddedKafkaServer(broker);
  }

  public String bootstrapServers() {
    return broker.getBrokersAsString();
  }

  @Override
  public void close() {
    broker.destroy();
  }
}
