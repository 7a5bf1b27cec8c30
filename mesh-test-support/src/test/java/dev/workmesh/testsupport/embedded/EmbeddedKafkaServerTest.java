package dev.workmesh.testsupport.embedded;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.PrintStream;
import java.io.UncheckedIOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.Collection;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.AdminClientConfig;
import org.apache.kafka.common.Node;
import org.apache.kafka.common.utils.Exit;
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

  /**
   * The test kit's temporary directory came with a JVM shutdown hook deleting it at exit, racing the hook
   * that stops the broker: the broker then halted the JVM with status 1 after every test had passed. The
   * directory is deleted by close instead, and formatting it prints nothing on standard output.
   */
  @Test
  void aBrokerLeavesNoExitHookBehindAndPrintsNothing() {
    List<String> hooks = new CopyOnWriteArrayList<>();
    ByteArrayOutputStream printed = new ByteArrayOutputStream();
    PrintStream out = System.out;
    Exit.setShutdownHookAdder((name, hook) -> hooks.add(name));
    System.setOut(new PrintStream(printed, true, StandardCharsets.UTF_8));
    Path logDirectory;
    try (EmbeddedKafkaServer kafka = EmbeddedKafkaServer.start()) {
      logDirectory = kafka.logDirectory();
      assertThat(logDirectory).isDirectory();
    } finally {
      System.setOut(out);
      Exit.resetShutdownHookAdder();
    }
    assertThat(hooks).as("shutdown hooks Kafka registered").isEmpty();
    assertThat(printed.toString(StandardCharsets.UTF_8)).as("printed on standard output")
        .doesNotContain("Formatting metadata directory", "Bootstrap metadata");
    assertThat(logDirectory).as("deleted when the broker closed").doesNotExist();
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
