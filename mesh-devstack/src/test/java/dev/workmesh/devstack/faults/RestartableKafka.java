package dev.workmesh.devstack.faults;

import dev.workmesh.testsupport.embedded.EmbeddedKafkaServer;

/**
 * A Kafka broker on a fixed port that can be stopped and replaced by a fresh one: an outage in which every
 * record in flight, every topic and every share group's state is lost, while the mesh's clients keep their
 * bootstrap address.
 */
final class RestartableKafka implements AutoCloseable {

  private final int port;
  private EmbeddedKafkaServer broker;

  RestartableKafka(int port) {
    this.port = port;
  }

  synchronized void start() {
    if (broker == null) {
      broker = EmbeddedKafkaServer.start(port);
    }
  }

  synchronized void stop() {
    if (broker != null) {
      broker.close();
      broker = null;
    }
  }

  @Override
  public void close() {
    stop();
  }
}
