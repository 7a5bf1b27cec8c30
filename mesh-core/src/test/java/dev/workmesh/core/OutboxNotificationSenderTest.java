package dev.workmesh.core;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import dev.workmesh.core.db.PgNotifications;
import dev.workmesh.core.mission.Mission;
import dev.workmesh.core.task.NewTask;
import dev.workmesh.testsupport.MeshIntegrationTest;
import dev.workmesh.testsupport.TestDatabase;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.Statement;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;

/**
 * The {@code mesh_outbox} notification of a commit of this process is known as already signalled (the
 * relay skips it); one from any other session is not.
 */
@MeshIntegrationTest
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class OutboxNotificationSenderTest {

  private CoreHarness mesh;
  private TestDatabase database;
  private PgNotifications notifications;
  private final List<Integer> senders = new CopyOnWriteArrayList<>();

  @BeforeAll
  void start(TestDatabase database) {
    this.mesh = new CoreHarness(database);
    this.database = database;
    mesh.core.outbox().onCommitted(() -> {}); // as a relay in this process does
    this.notifications = new PgNotifications(mesh.core.db().dataSource(), List.of("mesh_outbox"));
    notifications.subscribe("mesh_outbox", (payload, senderPid) -> senders.add(senderPid));
    notifications.start();
    await().atMost(Duration.ofSeconds(10)).until(() -> notifications.listeningEpoch() != 0);
  }

  @AfterAll
  void stop() {
    notifications.close();
    mesh.close();
  }

  @Test
  void aCommitOfThisProcessWasSignalledAlready() {
    Mission mission = mesh.mission();
    int localPid = mesh.core.db().inTransaction(() -> {
      mesh.core.submitter().submit(mission.id(), NewTask.of("local", ""), "operator");
      return mesh.core.db().jdbc().sql("SELECT pg_backend_pid()").query(Integer.class).single();
    });
    await().atMost(Duration.ofSeconds(10)).until(() -> senders.contains(localPid));
    assertThat(mesh.core.outbox().signalledAlready(localPid)).isTrue();
  }

  @Test
  void anotherSessionsNotificationWasNot() throws Exception {
    senders.clear();
    int foreignPid;
    // Another replica: a session of a data source of its own.
    try (Connection other = DriverManager.getConnection(database.jdbcUrl(), database.username(), database.password());
        Statement s = other.createStatement()) {
      try (var rs = s.executeQuery("SELECT pg_backend_pid()")) {
        rs.next();
        foreignPid = rs.getInt(1);
      }
      s.execute("INSERT INTO outbox (topic, message_key, payload, created_at)"
          + " VALUES ('mesh.task-events', 'foreign', '{}'::json, now())");
    }
    await().atMost(Duration.ofSeconds(10)).until(() -> senders.contains(foreignPid));
    assertThat(mesh.core.outbox().signalledAlready(foreignPid)).isFalse();
  }
}
