package dev.workmesh.bench.infra;

import dev.workmesh.testsupport.TestDatabase;
import dev.workmesh.testsupport.TestKafka;
import dev.workmesh.testsupport.embedded.EmbeddedKafkaServer;
import dev.workmesh.testsupport.embedded.EmbeddedPostgresServer;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.Locale;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * The one PostgreSQL 17 server and the one Kafka 4.2 broker that every scenario of a run shares, both
 * embedded in this JVM (mesh-test-support). Each scenario gets a database and a topic prefix of its
 * own, so no scenario sees another's rows or records.
 *
 * <p>The embedded PostgreSQL runs with {@code fsync}, {@code synchronous_commit} and {@code
 * full_page_writes} off: commits cost no disk flush. That is the same for every scenario, so ratios hold;
 * absolute figures are higher than on a durable server.
 */
public final class BenchInfra implements AutoCloseable {

  private final EmbeddedPostgresServer postgres;
  private final EmbeddedKafkaServer kafka;
  private final AtomicInteger counter = new AtomicInteger();
  private final CpuMeter cpu;

  private BenchInfra(EmbeddedPostgresServer postgres, EmbeddedKafkaServer kafka) {
    this.postgres = postgres;
    this.kafka = kafka;
    this.cpu = new CpuMeter(postmasterPid());
  }

  /** CPU time of this JVM's threads and of the PostgreSQL server. */
  public CpuMeter cpu() {
    return cpu;
  }

  /** The postmaster: the parent of a backend, read while that backend still lives. */
  private long postmasterPid() {
    try (Connection c = DriverManager.getConnection(postgres.jdbcUrl("postgres"), EmbeddedPostgresServer.SUPERUSER,
        "postgres"); Statement s = c.createStatement(); var rs = s.executeQuery("SELECT pg_backend_pid()")) {
      rs.next();
      return CpuMeter.parentOf(rs.getLong(1));
    } catch (SQLException e) {
      return -1;
    }
  }

  public static BenchInfra start() {
    EmbeddedPostgresServer postgres = EmbeddedPostgresServer.start(null, 0);
    try {
      return new BenchInfra(postgres, EmbeddedKafkaServer.start());
    } catch (RuntimeException e) {
      postgres.close();
      throw e;
    }
  }

  public String bootstrapServers() {
    return kafka.bootstrapServers();
  }

  /** A new, empty database for one scenario. */
  public TestDatabase newDatabase(String scenario) {
    String name = ("bench" + counter.incrementAndGet() + "_" + scenario.toLowerCase(Locale.ROOT))
        .replaceAll("[^a-z0-9_]", "_");
    try (Connection c = DriverManager.getConnection(postgres.jdbcUrl("postgres"), EmbeddedPostgresServer.SUPERUSER,
        "postgres"); Statement s = c.createStatement()) {
      s.execute("CREATE DATABASE \"" + name + "\"");
    } catch (SQLException e) {
      throw new IllegalStateException("could not create database " + name + ": " + e.getMessage(), e);
    }
    return new TestDatabase(name, postgres.jdbcUrl(name), EmbeddedPostgresServer.SUPERUSER, "postgres");
  }

  /** The broker as one scenario sees it: its own topic prefix. */
  public TestKafka newKafka(String scenario) {
    return new TestKafka(kafka.bootstrapServers(),
        "bench" + counter.incrementAndGet() + "-" + scenario.replaceAll("[^A-Za-z0-9-]", "-") + ".");
  }

  @Override
  public void close() {
    try {
      kafka.close();
    } finally {
      postgres.close();
    }
  }
}
