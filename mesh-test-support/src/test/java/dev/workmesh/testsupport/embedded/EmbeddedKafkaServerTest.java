package dev.workmesh.testsupport.embedded;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.util.Collection;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.AdminClientConfig;
import org.apache.kafka.common.Node;
import org.junit.jupiter.api.Test;

/** {@code ./mesh dev --kafka-port} and the fault suite's broker restarts rely on the port being honoured. */
class EmbeddedKafkaServerTest {

  @Test
  void aBrokerStartedOnAPortListensThereAndAdvertisesThatPort() throws Exception {
    int port = freePort();
    try (EmbeddedKafkaServer kafka = EmbeddedKafkaServer.start(port)) {
      assertThat(kafka.bootstrapServers()).isEqualTo("localhost:" + port);
      assertThat(brokersSeenThrough("localhost:" + port)).extracting(Node::port).containsExactly(port);
    }
    try (EmbeddedKafkaServer replacement = EmbeddedKafkaServer.start(port)) {
      assertThat(brokersSeenThrough("localhost:" + port)).as("a fresh broker on the same port")
          .extracting(Node::port).containsExactly(port);
    }
  }

  @Test
  void withoutAPortTheBrokerTakesAFreeOne() throws Exception {
    try (EmbeddedKafkaServer kafka = EmbeddedKafkaServer.start()) {
      int port = Integer.parseInt(kafka.bootstrapServers().substring(kafka.bootstrapServers().lastIndexOf(':') + 1));
      assertThat(port).isPositive();
      assertThat(brokersSeenThrough(kafka.bootstrapServers())).extracting(Node::port).containsExactly(port);
    }
  }

  @Test
  void aTakenPortIsReportedBeforeABrokerStarts() throws Exception {
    try (ServerSocket taken = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
      assertThatThrownBy(() -> EmbeddedKafkaServer.start(taken.getLocalPort()))
          .isInstanceOf(UncheckedIOException.class)
          .hasMessageContaining("Kafka cannot listen on 127.0.0.1:" + taken.getLocalPort());
    }
  }

  /** The brokers as the cluster's metadata advertises them to a client that bootstrapped from {@code address}. */
  private static Collection<Node> brokersSeenThrough(String address) throws Exception {
    try (Admin admin = Admin.create(Map.of(AdminClientConfig.BOOTSTRAP_SERVERS_CONFIG, address))) {
      return admin.describeCluster().nodes().get(30, TimeUnit.SECONDS);
    }
  }

  private static int freePort() throws IOException {
    try (ServerSocket socket = new ServerSocket()) {
      socket.setReuseAddress(true);
      socket.bind(new InetSocketAddress("localhost", 0));
      return socket.getLocalPort();
    }
  }
}
