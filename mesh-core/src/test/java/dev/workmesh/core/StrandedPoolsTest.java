package dev.workmesh.core;

import static org.assertj.core.api.Assertions.assertThat;

import dev.workmesh.core.agent.Agent;
import dev.workmesh.core.mission.Mission;
import dev.workmesh.core.task.ClaimPolicy;
import dev.workmesh.core.task.NewTask;
import dev.workmesh.testsupport.MeshIntegrationTest;
import dev.workmesh.testsupport.TestDatabase;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;

/** Which pools have ready tasks their dispatch record did not bring to a worker: {@code strandedPools}. */
@MeshIntegrationTest
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class StrandedPoolsTest {

  private static final Duration AFTER = Duration.ofSeconds(2);

  private CoreHarness mesh;

  @BeforeAll
  void start(TestDatabase database) {
    mesh = new CoreHarness(database);
  }

  @AfterAll
  void stop() {
    mesh.close();
  }

  private Map<String, Instant> stranded() {
    return mesh.core.diagnosis().strandedPools(mesh.clock.instant().minus(AFTER));
  }

  private Instant dispatchedAt(UUID task) {
    return mesh.core.db().jdbc().sql("SELECT dispatched_at FROM task WHERE id = :id").param("id", task)
        .query((rs, i) -> dev.workmesh.core.db.MeshDb.instant(rs, "dispatched_at")).single();
  }

  private static String pool() {
    return "stranded-" + UUID.randomUUID().toString().substring(0, 8);
  }

  @Test
  void aReadyTaskIsStrandedOnceItsRecordIsOlderThanTheCutoffAndNoLongerOnceClaimed() {
    Mission mission = mesh.mission();
    String pool = pool();
    UUID task = mesh.core.submitter().submit(mission.id(), NewTask.builder("left").pool(pool).build(), "operator")
        .task().id();
    Instant dispatched = dispatchedAt(task);
    assertThat(stranded()).as("a fresh record may still bring it").doesNotContainKey(pool);

    mesh.clock.advance(AFTER.plusMillis(1));
    assertThat(stranded()).containsEntry(pool, dispatched);

    Agent agent = mesh.agent(List.of(pool), List.of());
    assertThat(mesh.core.claims().claimNext(agent.id(), mission.id(), 1)).hasSize(1);
    assertThat(stranded()).doesNotContainKey(pool);
  }

  @Test
  void theNewestStrandedRecordMovesWhenAnotherTaskIsLeft() {
    Mission mission = mesh.mission();
    String pool = pool();
    mesh.core.submitter().submit(mission.id(), NewTask.builder("first").pool(pool).build(), "operator");
    mesh.clock.advance(Duration.ofSeconds(1));
    UUID second = mesh.core.submitter().submit(mission.id(), NewTask.builder("second").pool(pool).build(), "operator")
        .task().id();
    mesh.clock.advance(Duration.ofSeconds(1).plusMillis(1));
    Instant onlyFirst = stranded().get(pool);
    assertThat(onlyFirst).isNotNull().isBefore(dispatchedAt(second));

    mesh.clock.advance(Duration.ofSeconds(1));
    assertThat(stranded()).containsEntry(pool, dispatchedAt(second));
  }

  @Test
  void assignedTasksAreNotStrandedTheyHaveTheirOwnTopic() {
    Mission mission = mesh.mission();
    String pool = pool();
    Agent assignee = mesh.agent(List.of(pool), List.of());
    mesh.core.submitter().submit(mission.id(), NewTask.builder("yours").pool(pool).claimPolicy(ClaimPolicy.ASSIGNED)
        .assignedAgent(assignee.id()).build(), "operator");
    mesh.clock.advance(AFTER.plusSeconds(1));
    assertThat(stranded()).doesNotContainKey(pool);
  }
}
