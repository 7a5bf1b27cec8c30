package dev.workmesh.core;

import dev.workmesh.client.model.TaskRequest;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.workmesh.core.mission.Mission;
import dev.workmesh.core.task.NewTask;
import dev.workmesh.core.task.TaskFilter;
import dev.workmesh.core.task.TaskSubmitter.Submitted;
import dev.workmesh.testsupport.MeshIntegrationTest;
import dev.workmesh.testsupport.TestDatabase;
import dev.workmesh.core.claim.ClaimDiagnosis;
import java.util.ArrayList;
import java.util.List;
import java.util.UUID;
import java.util.concurrent.Callable;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;

/** Invariant 6 and the validation of submissions. */
@MeshIntegrationTest
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class IdempotentSubmitTest {

  private CoreHarness mesh;

  @BeforeAll
  void start(TestDatabase database) {
    mesh = new CoreHarness(database);
  }

  @AfterAll
  void stop() {
    mesh.close();
  }

  @Test
  void concurrentDuplicateSubmissionsMakeOneTaskAndTheOthersAreReplays() throws Exception {
    Mission mission = mesh.mission();
    int racers = 12;
    CountDownLatch go = new CountDownLatch(1);
    ExecutorService pool = Executors.newFixedThreadPool(racers);
    List<Callable<Submitted>> calls = new ArrayList<>();
    for (int i = 0; i < racers; i++) {
      calls.add(() -> {
        go.await();
        return mesh.core.submitter().submit(mission.id(),
            NewTask.builder("nightly build").idempotencyKey("build-2026-11-21").build(), "operator");
      });
    }
    List<Future<Submitted>> futures = new ArrayList<>();
    for (Callable<Submitted> c : calls) {
      futures.add(pool.submit(c));
    }
    go.countDown();
    List<Submitted> results = new ArrayList<>();
    for (Future<Submitted> f : futures) {
      results.add(f.get());
    }
    pool.shutdown();

    assertThat(results.stream().map(r -> r.task().id()).distinct()).hasSize(1);
    assertThat(results.stream().filter(r -> !r.replay())).hasSize(1);
    assertThat(mesh.core.tasks().list(mission.id(), TaskFilter.ALL, null, 100)).hasSize(1);
    assertThat(mesh.outboxCount("mesh.tasks.pooled")).isGreaterThanOrEqualTo(1);
  }

  @Test
  void theSameKeyInAnotherMissionIsAnotherTask() {
    Mission a = mesh.mission();
    Mission b = mesh.mission();
    UUID inA = mesh.core.submitter().submit(a.id(), NewTask.builder("x").idempotencyKey("k").build(), "op").task().id();
    UUID inB = mesh.core.submitter().submit(b.id(), NewTask.builder("x").idempotencyKey("k").build(), "op").task().id();
    assertThat(inA).isNotEqualTo(inB);
  }

  @Test
  void aBatchIsAllOrNothingAndNamesEveryBadField() {
    Mission mission = mesh.mission();
    List<TaskRequest> batch = List.of(
        NewTask.of("fine", ""),
        NewTask.builder("").priority(5_000_000).pool("bad pool!").maxAttempts(0).build(),
        NewTask.builder("orphan").dependsOn(List.of(UUID.randomUUID())).build());
    assertThatThrownBy(() -> mesh.core.submitter().submitAll(mission.id(), batch, "operator"))
        .isInstanceOfSatisfying(ValidationException.class, e -> assertThat(e.violations())
            .extracting(ValidationException.Violation::field)
            .contains("[1].title", "[1].priority", "[1].pool", "[1].max_attempts"));
    assertThat(mesh.core.tasks().list(mission.id(), TaskFilter.ALL, null, 10)).isEmpty();

    List<TaskRequest> unknownDependency = List.of(NewTask.of("fine", ""),
        NewTask.builder("orphan").dependsOn(List.of(UUID.randomUUID())).build());
    assertThatThrownBy(() -> mesh.core.submitter().submitAll(mission.id(), unknownDependency, "operator"))
        .isInstanceOfSatisfying(ValidationException.class, e -> assertThat(e.violations())
            .extracting(ValidationException.Violation::field).containsExactly("[1].depends_on"));
    assertThat(mesh.core.tasks().list(mission.id(), TaskFilter.ALL, null, 10)).isEmpty();
  }

  @Test
  void aSubmissionToAMissingMissionIsNotFound() {
    assertThatThrownBy(() -> mesh.core.submitter().submit(UUID.randomUUID(), NewTask.of("x", ""), "operator"))
        .isInstanceOf(NotFoundException.class);
  }

  @Test
  void aBatchWritesTheOutboxRowsOfTheTasksItInsertedAndNoneForItsReplays() {
    Mission mission = mesh.mission();
    UUID earlier = mesh.core.submitter().submit(mission.id(), NewTask.builder("a").idempotencyKey("a").build(), "op")
        .task().id();
    List<Submitted> batch = mesh.core.submitter().submitAll(mission.id(), List.of(
        NewTask.builder("a again").idempotencyKey("a").build(),
        NewTask.builder("b").idempotencyKey("b").build(),
        NewTask.builder("b twice in one batch").idempotencyKey("b").build(),
        NewTask.of("c", "")), "op");

    assertThat(batch).extracting(Submitted::replay).containsExactly(true, false, true, false);
    assertThat(batch.get(0).task().id()).isEqualTo(earlier);
    assertThat(batch.get(2).task().id()).isEqualTo(batch.get(1).task().id());
    assertThat(mesh.core.tasks().list(mission.id(), TaskFilter.ALL, null, 10)).hasSize(3);
    for (UUID id : List.of(earlier, batch.get(1).task().id(), batch.get(3).task().id())) {
      assertThat(mesh.core.db().jdbc().sql("SELECT topic FROM outbox WHERE message_key = :id ORDER BY id")
          .param("id", id.toString()).query(String.class).list())
          .as("the ready event and the dispatch record of %s, once", id)
          .containsExactly("mesh.task-events", "mesh.tasks.pooled");
    }
  }

  @Test
  void aTaskSubmittedAloneIsOneRoundTripThatAlsoCountsTheAgentsThatCouldClaimIt() {
    Mission mission = mesh.mission();
    String pool = "counted-" + UUID.randomUUID();
    mesh.agent(List.of(pool), List.of("gpu"));
    mesh.agent(List.of(pool), List.of());
    AtomicInteger roundTrips = new AtomicInteger();
    MeshCore counted = mesh.countingRoundTrips(roundTrips);

    Submitted needsCuda = counted.submitter().submit(mission.id(),
        NewTask.builder("needs cuda").pool(pool).requiredCapabilities(List.of("cuda")).build(), "op");
    assertThat(roundTrips).as("the insert, its outbox rows and the agents counted: one statement").hasValue(1);
    assertThat(needsCuda.agents()).isNotNull();
    assertThat(needsCuda.agents().inPool()).isEqualTo(2);
    assertThat(needsCuda.agents().withCapabilities()).isZero();
    assertThat(needsCuda.agents().eligible()).isZero();
    assertThat(ClaimDiagnosis.whyWaiting(needsCuda.task(), needsCuda.agents()))
        .as("what the submission's counts say is what reading the task again says")
        .isEqualTo(mesh.core.diagnosis().whyWaiting(needsCuda.task()))
        .hasValueSatisfying(w -> assertThat(w.requirement()).isEqualTo("capabilities"));

    roundTrips.set(0);
    Submitted needsGpu = counted.submitter().submit(mission.id(),
        NewTask.builder("needs gpu").pool(pool).requiredCapabilities(List.of("gpu")).build(), "op");
    assertThat(roundTrips).hasValue(1);
    assertThat(needsGpu.agents().eligible()).isEqualTo(1);
    assertThat(ClaimDiagnosis.whyWaiting(needsGpu.task(), needsGpu.agents())).isEmpty();

    assertThat(counted.submitter().submitAll(mission.id(), List.of(NewTask.builder("in a batch").pool(pool).build()),
        "op").getFirst().agents()).as("a batch's submitter is told nothing of agents").isNull();
  }
}
