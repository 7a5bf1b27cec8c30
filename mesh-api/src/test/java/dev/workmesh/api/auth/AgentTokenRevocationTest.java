package dev.workmesh.api.auth;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import com.zaxxer.hikari.HikariDataSource;
import dev.workmesh.core.MeshCore;
import dev.workmesh.core.agent.Agent;
import dev.workmesh.core.agent.Enrolled;
import dev.workmesh.core.agent.NewAgent;
import dev.workmesh.core.db.MeshDb;
import dev.workmesh.core.db.PgNotifications;
import dev.workmesh.testsupport.MeshIntegrationTest;
import dev.workmesh.testsupport.TcpProxy;
import dev.workmesh.testsupport.TestDatabase;
import java.net.URI;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.atomic.AtomicBoolean;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * Agent tokens are authenticated from memory, and a revocation reaches every replica: two replicas, each
 * with its own connection pool, its own listening connection and its own token cache, on one database.
 */
@MeshIntegrationTest
class AgentTokenRevocationTest {

  private final List<AutoCloseable> open = new ArrayList<>();
  private TestDatabase database;
  private Replica a;
  private Replica b;

  /** One mesh-api's view: a core on its own pool, and a cache kept by its own listening connection. */
  private record Replica(MeshCore core, PgNotifications notifications, AgentTokenCache tokens) {}

  @BeforeEach
  void twoReplicas(TestDatabase database) throws Exception {
    this.database = database;
    a = replica(null);
    b = replica(null);
  }

  @AfterEach
  void close() throws Exception {
    for (AutoCloseable c : open.reversed()) {
      c.close();
    }
  }

  private Replica replica(TcpProxy listenThrough) {
    HikariDataSource pool = database.newDataSource(4);
    open.add(pool);
    MeshCore.migrate(pool);
    MeshCore core = new MeshCore(new MeshDb(pool, Clock.systemUTC()), MeshCore.Settings.defaults());
    HikariDataSource listenPool = listenThrough == null ? pool : proxiedPool(listenThrough);
    PgNotifications notifications = new PgNotifications(listenPool, List.of(AgentTokenCache.CHANNEL));
    AgentTokenCache tokens = new AgentTokenCache(core.agents(), notifications);
    open.add(notifications.start());
    await().atMost(Duration.ofSeconds(20)).until(() -> notifications.listeningEpoch() != 0);
    return new Replica(core, notifications, tokens);
  }

  private HikariDataSource proxiedPool(TcpProxy proxy) {
    URI direct = URI.create(database.jdbcUrl().substring("jdbc:".length()));
    String url = database.jdbcUrl().replace(":" + direct.getPort() + "/", ":" + proxy.port() + "/");
    HikariDataSource pool = new TestDatabase(database.name(), url, database.username(), database.password())
        .newDataSource(2);
    open.add(pool);
    return pool;
  }

  private Enrolled enrol(Replica on) {
    return on.core().agents().enrol(new NewAgent("agent-" + UUID.randomUUID(), List.of("default"), List.of(),
        List.of(), 1, Map.of()));
  }

  /** Renames the agent behind the cache's back: no notification, so a cached row keeps the old name. */
  private void renameWithoutNotice(UUID agentId, String name) {
    a.core().db().jdbc().sql("UPDATE agent SET name = :name WHERE id = :id").param("name", name)
        .param("id", agentId).update();
  }

  @Test
  void aKnownTokenIsServedFromMemory() {
    Enrolled agent = enrol(a);
    assertThat(b.tokens().authenticate(agent.token())).map(Agent::id).contains(agent.agent().id());

    renameWithoutNotice(agent.agent().id(), "renamed");

    assertThat(b.tokens().authenticate(agent.token())).map(Agent::name).contains(agent.agent().name());
    assertThat(b.tokens().authenticate("wm_agent_never-issued")).isEmpty();
    assertThat(b.tokens().authenticate("not-an-agent-token")).isEmpty();
    assertThat(b.tokens().size()).isEqualTo(1);
  }

  @Test
  void aRevocationCommittedOnOneReplicaIsRefusedByEveryReplica() {
    Enrolled agent = enrol(a);
    assertThat(a.tokens().authenticate(agent.token())).isPresent();
    assertThat(b.tokens().authenticate(agent.token())).isPresent();
    renameWithoutNotice(agent.agent().id(), "renamed");

    a.core().revokeAgent(agent.agent().id());

    await().atMost(Duration.ofSeconds(2)).pollInterval(Duration.ofMillis(1)).untilAsserted(() -> {
      assertThat(a.tokens().authenticate(agent.token())).isEmpty();
      assertThat(b.tokens().authenticate(agent.token())).isEmpty();
    });
    assertThat(b.tokens().size()).isZero();
  }

  @Test
  void anyChangeOfStatusDropsTheCachedRow() {
    Enrolled agent = enrol(a);
    assertThat(b.tokens().authenticate(agent.token())).isPresent();
    a.core().db().inTransaction(() -> a.core().agents().changeStatus(agent.agent(),
        dev.workmesh.core.agent.AgentStatus.UNHEALTHY));

    await().atMost(Duration.ofSeconds(2)).untilAsserted(() -> assertThat(b.tokens().authenticate(agent.token()))
        .map(Agent::status).contains(dev.workmesh.core.agent.AgentStatus.UNHEALTHY));
  }

  @Test
  void tokensRevokedWhileTheyAreBeingAuthenticatedStayRefused() throws Exception {
    List<Enrolled> agents = new ArrayList<>();
    for (int i = 0; i < 40; i++) {
      agents.add(enrol(a));
    }
    AtomicBoolean revoking = new AtomicBoolean(true);
    List<Thread> readers = new ArrayList<>();
    for (Replica replica : List.of(a, b)) {
      readers.add(Thread.ofPlatform().start(() -> {
        while (revoking.get()) {
          for (Enrolled agent : agents) {
            replica.tokens().authenticate(agent.token());
          }
        }
      }));
    }
    for (Enrolled agent : agents) {
      a.core().revokeAgent(agent.agent().id());
    }
    // Every notification of the revocations has arrived once one sent after them has.
    Enrolled marker = enrol(a);
    assertThat(b.tokens().authenticate(marker.token())).isPresent();
    a.core().revokeAgent(marker.agent().id());
    await().atMost(Duration.ofSeconds(5)).until(() -> b.tokens().authenticate(marker.token()).isEmpty()
        && a.tokens().authenticate(marker.token()).isEmpty());
    revoking.set(false);
    for (Thread reader : readers) {
      reader.join();
    }

    for (Enrolled agent : agents) {
      assertThat(a.tokens().authenticate(agent.token())).as("replica a, agent %s", agent.agent().id()).isEmpty();
      assertThat(b.tokens().authenticate(agent.token())).as("replica b, agent %s", agent.agent().id()).isEmpty();
    }
    assertThat(a.tokens().size()).isZero();
    assertThat(b.tokens().size()).isZero();
  }

  @Test
  void whileTheListeningConnectionIsLostEveryRequestReadsTheDatabase() throws Exception {
    int port = URI.create(database.jdbcUrl().substring("jdbc:".length())).getPort();
    TcpProxy proxy = TcpProxy.to(port);
    open.add(proxy);
    Replica c = replica(proxy);
    Enrolled agent = enrol(a);
    assertThat(c.tokens().authenticate(agent.token())).isPresent();
    renameWithoutNotice(agent.agent().id(), "renamed");
    assertThat(c.tokens().authenticate(agent.token())).map(Agent::name).contains(agent.agent().name());

    proxy.cut();
    await().atMost(Duration.ofSeconds(20)).until(() -> c.notifications().listeningEpoch() == 0);

    assertThat(c.tokens().authenticate(agent.token())).map(Agent::name).contains("renamed");
    a.core().revokeAgent(agent.agent().id());
    assertThat(c.tokens().authenticate(agent.token())).as("refused at once, with no notification").isEmpty();

    Enrolled other = enrol(a);
    proxy.restore(port);
    await().atMost(Duration.ofSeconds(30)).until(() -> c.notifications().listeningEpoch() != 0);
    assertThat(c.tokens().authenticate(other.token())).isPresent();
    assertThat(c.tokens().size()).isEqualTo(1);
    assertThat(c.tokens().authenticate(agent.token())).isEmpty();
  }
}
