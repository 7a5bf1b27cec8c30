package dev.workmesh.core;

import static org.assertj.core.api.Assertions.assertThat;

import com.zaxxer.hikari.HikariConfig;
import com.zaxxer.hikari.HikariDataSource;
import dev.workmesh.client.model.TaskRequest;
import dev.workmesh.core.agent.Agent;
import dev.workmesh.core.agent.NewAgent;
import dev.workmesh.core.claim.AttemptReports.Completion;
import dev.workmesh.core.claim.Claim;
import dev.workmesh.core.db.MeshDb;
import dev.workmesh.core.mission.Mission;
import dev.workmesh.core.task.NewTask;
import dev.workmesh.core.task.TaskStatus;
import dev.workmesh.testsupport.MeshIntegrationTest;
import dev.workmesh.testsupport.MutableClock;
import dev.workmesh.testsupport.TestDatabase;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import org.junit.jupiter.api.Test;
import org.springframework.jdbc.core.simple.JdbcClient;

/**
 * mesh-api's connections plan each statement once, at its first use ({@code prepareThreshold=1},
 * {@code plan_cache_mode=force_generic_plan}), from the statistics of that moment. A mesh that has served a
 * while mostly has few ready and few pending tasks, so that is when its statements are planned; then a
 * backlog arrives, or many tasks wait for their dependencies. A claim of tasks named by id (task-worker
 * claims the tasks its Kafka records name) must still read those tasks only, and a completion only the
 * pending tasks that depend on it, not every ready or pending task each time.
 */
@MeshIntegrationTest
class StatementPlansTest {

  @Test
  void aClaimOfTasksByIdReadsThoseTasksAloneThoughItsPlanWasMadeWhenFewWereReady(TestDatabase database) {
    try (PlanningOnce mesh = PlanningOnce.servedAWhile(database, "ready")) {
      UUID first = mesh.submit(NewTask.builder("first").pool(mesh.pool()).build());
      assertThat(mesh.claim(first)).as("planned now, with one task ready").hasSize(1);

      mesh.insertTasks("ready", 3_000);
      UUID named = mesh.submit(NewTask.builder("named").pool(mesh.pool()).build());
      long before = mesh.taskRowsRead();
      List<Claim> claims = mesh.claim(named);
      long read = mesh.taskRowsRead() - before;

      assertThat(claims).extracting(c -> c.task().id()).containsExactly(named);
      assertThat(read).as("task rows read by the claim of one task with 3,001 ready (sequential and by index)")
          .isLessThan(20);
    }
  }

  @Test
  void aCompletionReadsTheTasksThatDependOnItAloneThoughItsPlanWasMadeWhenFewWerePending(TestDatabase database) {
    try (PlanningOnce mesh = PlanningOnce.servedAWhile(database, "pending")) {
      completeWithADependent(mesh); // planned now, with one task pending

      UUID unfinished = mesh.submit(NewTask.builder("long").pool(mesh.pool()).build());
      mesh.insertTasks("pending", 3_000);
      mesh.sql().sql("UPDATE task SET depends_on = ARRAY[CAST(:u AS uuid)] WHERE status = 'pending'")
          .param("u", unfinished).update();
      long before = mesh.taskRowsRead();
      UUID dependent = completeWithADependent(mesh);
      long read = mesh.taskRowsRead() - before;

      assertThat(mesh.core().tasks().get(dependent).status()).as("its one dependency succeeded")
          .isEqualTo(TaskStatus.READY);
      assertThat(read).as("task rows read to submit, claim and complete a task and make its dependent ready, with"
          + " 3,000 other tasks pending").isLessThan(40);
    }
  }

  /** Submits a task and one that depends on it, claims and completes the first; returns the dependent. */
  private static UUID completeWithADependent(PlanningOnce mesh) {
    UUID parent = mesh.submit(NewTask.builder("parent").pool(mesh.pool()).build());
    UUID child = mesh.submit(NewTask.builder("child").pool(mesh.pool()).dependsOn(List.of(parent)).build());
    Claim claim = mesh.claim(parent).getFirst();
    mesh.core().reports().complete(parent, claim.claimToken(), mesh.agent().id(), new Completion(null, 0, null));
    return child;
  }

  /**
   * mesh-core on one connection with mesh-api's settings (mesh-api-defaults.properties: every statement
   * planned once), a pool of its own for the test's SQL, and a mission, a pool and an agent of that pool.
   */
  private record PlanningOnce(HikariDataSource planOnce, HikariDataSource other, MeshCore core, JdbcClient sql,
      Mission mission, String pool, Agent agent) implements AutoCloseable {

    /**
     * On a table that has served a while: finished tasks and their statistics, then tasks that were
     * {@code status} and finished since (the partial indexes of {@code status} tasks hold their dead entries).
     */
    static PlanningOnce servedAWhile(TestDatabase database, String status) {
      HikariConfig config = new HikariConfig();
      config.setJdbcUrl(database.jdbcUrl());
      config.setUsername(database.username());
      config.setPassword(database.password());
      config.setMaximumPoolSize(1);
      config.addDataSourceProperty("prepareThreshold", "1");
      config.addDataSourceProperty("options", "-c plan_cache_mode=force_generic_plan");
      HikariDataSource planOnce = new HikariDataSource(config);
      HikariDataSource other = database.newDataSource(2);
      MeshCore.migrate(other);
      MeshCore core = new MeshCore(new MeshDb(planOnce, MutableClock.startingNow()), MeshCore.Settings.defaults());
      Mission mission = core.missions().create("m-" + UUID.randomUUID(), "");
      String pool = "plans-" + UUID.randomUUID();
      Agent agent = core.agents().enrol(new NewAgent("agent-" + pool, List.of(pool), List.of(), List.of(), 1000,
          Map.of())).agent();
      PlanningOnce mesh = new PlanningOnce(planOnce, other, core, JdbcClient.create(other), mission, pool, agent);
      mesh.insertTasks("succeeded", 2_000);
      mesh.sql.sql("VACUUM ANALYZE task").update();
      mesh.insertTasks(status, 300);
      mesh.sql.sql("UPDATE task SET status = 'succeeded' WHERE status = :s").param("s", status).update();
      return mesh;
    }

    UUID submit(TaskRequest task) {
      return core.submitter().submit(mission.id(), task, "operator").task().id();
    }

    List<Claim> claim(UUID task) {
      return core.claims().claimTasks(agent.id(), List.of(task));
    }

    /** {@code n} tasks of this mission and pool in {@code status}, written directly. */
    void insertTasks(String status, int n) {
      sql.sql("""
          INSERT INTO task (id, mission_id, title, claim_policy, pool, required_capabilities, priority, max_attempts,
              attempt_limit, status, available_at, submitted_by, created_at, ready_at, dispatched_at, updated_at)
          SELECT gen_random_uuid(), :mission, 'filler', 'first_claim', :pool, '{}', 0, 3, 3, :status, now(), 'test',
              now(), now(), now(), now()
          FROM generate_series(1, :n)""")
          .param("mission", mission.id()).param("pool", pool).param("status", status).param("n", n).update();
    }

    /**
     * Rows of {@code task} read so far by sequential scans and fetched by index scans, with what the one
     * planning connection did flushed to the statistics first (each read is a transaction of its own, so it
     * sees them).
     */
    long taskRowsRead() {
      JdbcClient.create(planOnce).sql("SELECT pg_stat_force_next_flush()").query().listOfRows();
      return sql.sql("""
          SELECT coalesce(seq_tup_read, 0) + coalesce(idx_tup_fetch, 0) FROM pg_stat_user_tables WHERE relname = 'task'""")
          .query(Long.class).single();
    }

    @Override
    public void close() {
      planOnce.close();
      other.close();
    }
  }
}
