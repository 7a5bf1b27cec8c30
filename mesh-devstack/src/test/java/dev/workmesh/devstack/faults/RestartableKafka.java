package dev.workmesh.devstack.faults;

import dev.workmesh.testsupport.embedded.EmbeddedKafkaServer;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.util.HashMap;
import java.util.Map;
import org.springframework.kafka.test.EmbeddedKafkaKraftBroker;

/**
 * A Kafka broker on a fixed port that can be stopped and replaced by a fresh one: an outage in which every
 * record in flight, every topic and every share group's state is lost, while the mesh's clients keep their
 * bootstrap address.
 *
 * <p>Why not {@code EmbeddedKafkaServer.start(port)}: spring-kafka-test's KRaft broker ignores
 * {@code kafkaPorts} (Kafka's test kit binds {@code localhost:0}), so that method silently picks a random
 * port (see the defect in FAULTS-README-section.md). Here the fixed port is a forwarder in front of the
 * broker's own port, and the broker advertises the fixed port, so that every client, and the broker's own
 * metadata, speak only of the fixed one.
 */
final class RestartableKafka implements AutoCloseable {

  private final int port;
  private final TcpProxy front;
  private volatile EmbeddedKafkaKraftBroker broker;

  RestartableKafka(int port) {
    this.port = port;
    try {
      this.front = TcpProxy.on(port, 0);
      front.cut();
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  String bootstrapServers() {
    return "localhost:" + port;
  }

  synchronized void start() {
    if (broker != null) {
      return;
    }
    EmbeddedKafkaKraftBroker fresh = new EmbeddedKafkaKraftBroker(1, 1);
    Map<String, String> settings = new HashMap<>(EmbeddedKafkaServer.SINGLE_NODE_SETTINGS);
    settings.put("advertised.listeners", "EXTERNAL://localhost:" + port);
    fresh.brokerProperties(settings);
    fresh.afterPropertiesSet();
    String own = fresh.getCluster().bootstrapServers();
    int ownPort = Integer.parseInt(own.substring(own.lastIndexOf(':') + 1).split(",")[0]);
    try {
      front.restore(ownPort);
    } catch (IOException e) {
      fresh.destroy();
      throw new UncheckedIOException(e);
    }
    broker = fresh;
  }

  synchronized void stop() {
    if (broker == null) {
      return;
    }
    try {
      front.cut();
    } catch (IOException e) {
      // the broker goes anyway
    }
    broker.destroy();
    broker = null;
  }

  @Override
  public void close() {
    stop();
  }
}
