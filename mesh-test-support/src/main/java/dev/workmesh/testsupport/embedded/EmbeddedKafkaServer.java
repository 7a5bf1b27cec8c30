package dev.workmesh.testsupport.embedded;

import dev.workmesh.testsupport.TcpProxy;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.Map;
import org.apache.kafka.common.test.KafkaClusterTestKit;

/**
 * A single-node KRaft Kafka 4.2 broker in this JVM with share groups (KIP-932) working.
 *
 * <p>A share group keeps its state in an internal topic whose replication factor defaults to 3; with one
 * broker that topic cannot be created and share consumers silently receive nothing, hence the overrides.
 *
 * <p>A broker on a requested port is a forwarder on that port in front of the broker's own: Kafka's test
 * kit binds its listeners to free ports it chose beforehand, whatever {@code listeners} says. The broker
 * advertises the requested port, so that clients, and the cluster metadata they read, only ever see that
 * one. The broker's and the KRaft controller's own listeners are on loopback whatever the front binds
 * ({@link LoopbackKafkaCluster}).
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

  private final KafkaClusterTestKit broker;
  private final TcpProxy front;

  private final String advertisedHost;

  private EmbeddedKafkaServer(KafkaClusterTestKit broker, TcpProxy front) {
    this(broker, front, "localhost");
  }

  private EmbeddedKafkaServer(KafkaClusterTestKit broker, TcpProxy front, String advertisedHost) {
    this.broker = broker;
    this.front = front;
    this.advertisedHost = advertisedHost;
  }

  /** Starts a broker on any free port. */
  public static EmbeddedKafkaServer start() {
    return start(0);
  }

  /**
   * Starts a broker that clients reach at {@code localhost:port} (0 for any free port). Its log lives in a
   * temporary directory.
   *
   * @throws UncheckedIOException when {@code port} is taken
   */
  public static EmbeddedKafkaServer start(int port) {
    if (port == 0) {
      return new EmbeddedKafkaServer(startBroker(SINGLE_NODE_SETTINGS), null);
    }
    return start(BindAddress.loopback(), port);
  }

  /**
   * Starts a broker that clients reach at {@code bind}'s address and {@code port} (0 for any free port).
   *
   * @throws UncheckedIOException when {@code port} is taken
   */
  public static EmbeddedKafkaServer start(BindAddress bind, int port) {
    TcpProxy front;
    try {
      // taken before the broker starts, so that a busy port fails fast
      front = TcpProxy.on(bind.address(), port, 0);
    } catch (IOException e) {
      throw new UncheckedIOException("Kafka cannot listen on " + bind.listenHost() + ":" + port + ": "
          + e.getMessage(), e);
    }
    Map<String, String> settings = new HashMap<>(SINGLE_NODE_SETTINGS);
    // EXTERNAL: the test kit's broker listener
    settings.put("advertised.listeners", "EXTERNAL://" + bind.connectHost() + ":" + front.port());
    KafkaClusterTestKit broker = startBroker(settings);
    front.retarget(portOf(broker.bootstrapServers()));
    return new EmbeddedKafkaServer(broker, front, bind.connectHost());
  }

  private static KafkaClusterTestKit startBroker(Map<String, String> settings) {
    return LoopbackKafkaCluster.start(settings);
  }

  private static int portOf(String bootstrapServers) {
    return Integer.parseInt(bootstrapServers.substring(bootstrapServers.lastIndexOf(':') + 1));
  }

  /** Where clients connect: {@code localhost:<port>}, or the bind address when it is one interface's. */
  public String bootstrapServers() {
    return front == null ? broker.bootstrapServers() : advertisedHost + ":" + front.port();
  }

  /** Where the broker keeps its logs and metadata: a temporary directory, deleted by {@link #close()}. */
  Path logDirectory() {
    return Path.of(broker.nodes().baseDirectory());
  }

  /** Cuts the clients' connections, then stops the broker. */
  @Override
  public void close() {
    if (front != null) {
      front.close();
    }
    LoopbackKafkaCluster.closeQuietly(broker);
  }
}
