package dev.workmesh.core;

import dev.workmesh.client.model.TaskRequest;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.workmesh.core.agent.Agent;
import dev.workmesh.core.claim.AttemptReports.Completion;
import dev.workmesh.core.claim.AttemptReports.Failure;
import dev.workmesh.core.claim.Claim;
import dev.workmesh.core.mission.Mission;
import dev.workmesh.core.task.AttemptOutcome;
import dev.workmesh.core.task.IllegalTransitionException;
import dev.workmesh.core.task.MeshTask;
import dev.workmesh.core.task.NewTask;
import dev.workmesh.core.task.RetryBackoff;
import dev.workmesh.core.task.TaskStatus;
import dev.workmesh.core.task.TaskTransitions;
import dev.workmesh.testsupport.MeshIntegrationTest;
import dev.workmesh.testsupport.TestDatabase;
import java.time.Duration;
import java.util.List;
import java.util.Random;
import java.util.UUID;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;

/** Retries, dependencies, not_before, cancel and the transition table. */
@MeshIntegrationTest
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class TaskLifecycleTest {

  private CoreHarness mesh;
  private Agent agent;

  @BeforeAll
  void start(TestDatabase database) {
    mesh = new CoreHarness(database, Duration.ofSeconds(30),
        new RetryBackoff(Duration.ofSeconds(10), Duration.ofMinutes(5), new Random(3)));
    agent = mesh.agent();
  }

  @AfterAll
  void stop() {
    mesh.close();
  }

  private MeshTask submit(Mission mission, TaskRequest task) {
    return mesh.core.submitter().submit(mission.id(), task, "operator").task();
  }

  private void failOnce(UUID task) {
    Claim claim = mesh.core.claims().claimTask(agent.id(), task).orElseThrow();
    mesh.core.reports().fail(task, claim.claimToken(), agent.id(),
        new Failure(AttemptOutcome.FAILED, "exit 1", true, 1, "boom"));
  }

  /** Moves time until a pending task is promoted and returns how far it had to go. */
  private Duration promote(UUID task) {
    Duration waited = Duration.ZERO;
    while (mesh.core.tasks().get(task).status() == TaskStatus.PENDING) {
      mesh.clock.advance(Duration.ofSeconds(1));
      waited = waited.plusSeconds(1);
      mesh.core.maintenance().promoteDue(100);
      assertThat(waited).isLessThan(Duration.ofMinutes(10));
    }
    return waited;
  }

  @Test
  void aFailedAttemptIsRetriedAfterABackoffWithinItsCeilingUntilAttemptsRunOut() {
    Mission mission = mesh.mission();
    UUID task = submit(mission, NewTask.builder("flaky").maxAttempts(3).build()).id();

    failOnce(task);
    assertThat(promote(task)).as("after attempt 1: at most base = 10s").isLessThanOrEqualTo(Duration.ofSeconds(11));
    failOnce(task);
    assertThat(promote(task)).as("after attempt 2: at most 2 x base").isLessThanOrEqualTo(Duration.ofSeconds(21));
    failOnce(task);

    MeshTask failed = mesh.core.tasks().get(task);
    assertThat(failed.status()).isEqualTo(TaskStatus.FAILED);
    assertThat(mesh.core.tasks().attempts(task)).extracting(a -> a.outcome())
        .containsExactly(AttemptOutcome.FAILED, AttemptOutcome.FAILED, AttemptOutcome.FAILED);
    assertThat(mesh.core.tasks().attempts(task).getFirst().logTail()).isEqualTo("boom");
  }

  @Test
  void exhaustedAttemptsFailTheTaskForGoodAndAManualRetryGivesAFreshBudget() {
    Mission mission = mesh.mission();
    UUID task = submit(mission, NewTask.builder("doomed").maxAttempts(2).build()).id();
    failOnce(task);
    promote(task);
    failOnce(task);
    MeshTask failed = mesh.core.tasks().get(task);
    assertThat(failed.status()).isEqualTo(TaskStatus.FAILED);
    assertThat(failed.error()).contains("no attempts left after attempt 2");

    MeshTask retried = mesh.core.actions().retry(task);
    assertThat(retried.status()).isEqualTo(TaskStatus.READY);
    assertThat(retried.attemptLimit()).isEqualTo(4);
    Claim third = mesh.core.claims().claimTask(agent.id(), task).orElseThrow();
    assertThat(third.attemptNumber()).isEqualTo(3);
    mesh.core.reports().complete(task, third.claimToken(), agent.id(), new Completion(null, 0, null));
    assertThat(mesh.core.tasks().get(task).status()).isEqualTo(TaskStatus.SUCCEEDED);
  }

  @Test
  void backoffGrowsExponentiallyWithFullJitterWithinItsCap() {
    RetryBackoff backoff = new RetryBackoff(Duration.ofSeconds(1), Duration.ofSeconds(60), new Random(11));
    for (int attempt = 1; attempt <= 12; attempt++) {
      long ceiling = Math.min(60_000, 1000L << (attempt - 1));
      for (int i = 0; i < 50; i++) {
        assertThat(backoff.delayAfter(attempt).toMillis()).isBetween(0L, ceiling);
      }
    }
    long sumEarly = 0;
    long sumLate = 0;
    for (int i = 0; i < 200; i++) {
      sumEarly += backoff.delayAfter(1).toMillis();
      sumLate += backoff.delayAfter(6).toMillis();
    }
    assertThat(sumLate).isGreaterThan(sumEarly * 8);
  }

  @Test
  void aNonRetryableFailureFailsTheTaskAtOnce() {
    Mission mission = mesh.mission();
    UUID task = submit(mission, NewTask.builder("bad input").maxAttempts(5).build()).id();
    Claim claim = mesh.core.claims().claimTask(agent.id(), task).orElseThrow();
    mesh.core.reports().fail(task, claim.claimToken(), agent.id(),
        new Failure(AttemptOutcome.FAILED, "input is invalid", false, 2, null));
    assertThat(mesh.core.tasks().get(task).status()).isEqualTo(TaskStatus.FAILED);
  }

  @Test
  void aTaskWaitsForItsDependenciesAndAFailedDependencyFailsItsDependents() {
    Mission mission = mesh.mission();
    UUID first = submit(mission, NewTask.of("first", "")).id();
    UUID second = submit(mission, NewTask.builder("second").dependsOn(List.of(first)).build()).id();
    UUID third = submit(mission, NewTask.builder("third").dependsOn(List.of(second)).build()).id();
    assertThat(mesh.core.tasks().get(second).status()).isEqualTo(TaskStatus.PENDING);
    assertThat(mesh.core.claims().claimTask(agent.id(), second)).isEmpty();

    Claim claim = mesh.core.claims().claimTask(agent.id(), first).orElseThrow();
    mesh.core.reports().complete(first, claim.claimToken(), agent.id(), new Completion(null, 0, null));
    assertThat(mesh.core.tasks().get(second).status()).isEqualTo(TaskStatus.READY);

    Claim secondClaim = mesh.core.claims().claimTask(agent.id(), second).orElseThrow();
    mesh.core.reports().fail(second, secondClaim.claimToken(), agent.id(),
        new Failure(AttemptOutcome.FAILED, "broken", false, 1, null));
    MeshTask dependent = mesh.core.tasks().get(third);
    assertThat(dependent.status()).isEqualTo(TaskStatus.FAILED);
    assertThat(dependent.error()).contains("dependency " + second + " failed");

    MeshTask late = submit(mission, NewTask.builder("late").dependsOn(List.of(second)).build());
    assertThat(late.status()).isEqualTo(TaskStatus.FAILED);
  }

  @Test
  void aTaskWithNotBeforeWaitsUntilItsTime() {
    Mission mission = mesh.mission();
    UUID task = submit(mission, NewTask.builder("later").notBefore(mesh.clock.instant().plusSeconds(30)).build()).id();
    assertThat(mesh.core.tasks().get(task).status()).isEqualTo(TaskStatus.PENDING);
    mesh.clock.advance(Duration.ofSeconds(29));
    assertThat(mesh.core.maintenance().promoteDue(100)).isZero();
    mesh.clock.advance(Duration.ofSeconds(2));
    mesh.core.maintenance().promoteDue(100);
    assertThat(mesh.core.tasks().get(task).status()).isEqualTo(TaskStatus.READY);
  }

  @Test
  void cancellingAReadyTaskEndsItAndCancellingASucceededTaskIsATypedError() {
    Mission mission = mesh.mission();
    UUID task = submit(mission, NewTask.of("unwanted", "")).id();
    assertThat(mesh.core.actions().cancel(task).status()).isEqualTo(TaskStatus.CANCELLED);
    assertThat(mesh.core.claims().claimTask(agent.id(), task)).isEmpty();

    UUID done = submit(mission, NewTask.of("done", "")).id();
    Claim claim = mesh.core.claims().claimTask(agent.id(), done).orElseThrow();
    mesh.core.reports().complete(done, claim.claimToken(), agent.id(), new Completion(null, 0, null));
    assertThatThrownBy(() -> mesh.core.actions().cancel(done))
        .isInstanceOfSatisfying(IllegalTransitionException.class, e -> {
          assertThat(e.taskId()).isEqualTo(done);
          assertThat(e.from()).isEqualTo(TaskStatus.SUCCEEDED);
        });
    assertThatThrownBy(() -> mesh.core.actions().retry(done)).isInstanceOf(IllegalTransitionException.class);
  }

  @Test
  void releasingAClaimMakesTheTaskReadyAgainWithoutSpendingAnAttempt() {
    Mission mission = mesh.mission();
    UUID task = submit(mission, NewTask.builder("hand back").maxAttempts(1).build()).id();
    Claim claim = mesh.core.claims().claimTask(agent.id(), task).orElseThrow();
    mesh.core.reports().release(task, claim.claimToken(), agent.id(), "runtime 'bsh' is not offered here");
    MeshTask released = mesh.core.tasks().get(task);
    assertThat(released.status()).isEqualTo(TaskStatus.READY);
    assertThat(released.attempt()).isZero();
    assertThat(released.attemptLimit()).isEqualTo(1);
    assertThat(mesh.core.tasks().attempts(task)).singleElement().satisfies(a -> {
      assertThat(a.outcome()).isEqualTo(AttemptOutcome.RELEASED);
      assertThat(a.error()).isEqualTo("released: runtime 'bsh' is not offered here");
    });

    Claim again = mesh.core.claims().claimTask(agent.id(), task).orElseThrow();
    assertThat(again.attemptNumber()).isEqualTo(1);
    mesh.core.reports().fail(task, again.claimToken(), agent.id(),
        new Failure(AttemptOutcome.FAILED, "broken", true, 1, null));
    assertThat(mesh.core.tasks().get(task).status()).isEqualTo(TaskStatus.FAILED);
  }

  @Test
  void theTransitionTableAllowsOnlyTheDocumentedMoves() {
    assertThat(TaskTransitions.allowed(TaskStatus.SUCCEEDED, TaskStatus.READY)).isFalse();
    assertThat(TaskTransitions.allowed(TaskStatus.PENDING, TaskStatus.CLAIMED)).isFalse();
    assertThat(TaskTransitions.allowed(TaskStatus.READY, TaskStatus.CLAIMED)).isTrue();
    assertThat(TaskTransitions.allowed(TaskStatus.RUNNING, TaskStatus.PENDING)).isTrue();
    assertThat(TaskTransitions.from(TaskStatus.CLAIMED)).containsExactly(TaskStatus.READY);
    assertThatThrownBy(() -> TaskTransitions.check(UUID.randomUUID(), TaskStatus.FAILED, TaskStatus.SUCCEEDED))
        .isInstanceOf(IllegalTransitionException.class).hasMessageContaining("cannot go from failed to succeeded");
  }
}
