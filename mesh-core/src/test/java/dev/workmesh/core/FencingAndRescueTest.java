package dev.workmesh.core;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.workmesh.core.agent.Agent;
import dev.workmesh.core.claim.AttemptReports.Completion;
import dev.workmesh.core.claim.AttemptReports.Failure;
import dev.workmesh.core.claim.AttemptReports.HeartbeatAck;
import dev.workmesh.core.claim.Claim;
import dev.workmesh.core.claim.NotYourClaimException;
import dev.workmesh.core.claim.StaleClaimException;
import dev.workmesh.core.lease.LeaseRescuer.Rescued;
import dev.workmesh.core.mission.Mission;
import dev.workmesh.core.task.AttemptOutcome;
import dev.workmesh.core.task.MeshTask;
import dev.workmesh.core.task.NewTask;
import dev.workmesh.core.task.RetryBackoff;
import dev.workmesh.core.task.TaskStatus;
import dev.workmesh.testsupport.MeshIntegrationTest;
import dev.workmesh.testsupport.TestDatabase;
import java.time.Duration;
import java.util.List;
import java.util.Random;
import java.util.UUID;
import java.util.concurrent.Callable;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;

/** Invariants 2 and 5: claim tokens fence every report, and lapsed leases are rescued. */
@MeshIntegrationTest
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class FencingAndRescueTest {

  private static final Duration LEASE = Duration.ofSeconds(30);
  private CoreHarness mesh;

  @BeforeAll
  void start(TestDatabase database) {
    // No backoff: a rescued task is ready again at once.
    mesh = new CoreHarness(database, LEASE, new RetryBackoff(Duration.ZERO, Duration.ZERO, new Random(1)));
  }

  @AfterAll
  void stop() {
    mesh.close();
  }

  /** Rescues whatever other tests of this class left claimed, so a sweep's counts are this test's own. */
  private void drainLeftovers() {
    mesh.clock.advance(LEASE.plusSeconds(1));
    while (mesh.core.rescuer().runOnce(100).total() > 0) {
      // keep sweeping
    }
  }

  private Claim claimFresh(Agent agent) {
    Mission mission = mesh.mission();
    UUID task = mesh.core.submitter().submit(mission.id(), NewTask.of("work", ""), "operator").task().id();
    return mesh.core.claims().claimTask(agent.id(), task).orElseThrow();
  }

  @Test
  void aStaleTokenAfterRescueCannotCompleteAndChangesNothing() {
    Agent dead = mesh.agent();
    Agent alive = mesh.agent();
    Claim old = claimFresh(dead);
    UUID task = old.task().id();

    mesh.clock.advance(LEASE.plusSeconds(1));
    Rescued rescued = mesh.core.rescuer().runOnce(100);
    assertThat(rescued.lapsed()).isGreaterThanOrEqualTo(1);
    assertThat(mesh.core.tasks().get(task).status()).isEqualTo(TaskStatus.READY);

    Claim fresh = mesh.core.claims().claimTask(alive.id(), task).orElseThrow();
    assertThat(fresh.attemptNumber()).isEqualTo(2);

    assertThatThrownBy(() -> mesh.core.reports().complete(task, old.claimToken(), dead.id(),
        new Completion(null, 0, null)))
        .isInstanceOf(StaleClaimException.class).hasMessageContaining("ended lost");
    assertThatThrownBy(() -> mesh.core.reports().heartbeat(task, old.claimToken(), dead.id()))
        .isInstanceOf(StaleClaimException.class);
    assertThat(mesh.core.tasks().get(task).status()).isEqualTo(TaskStatus.CLAIMED);

    mesh.core.reports().complete(task, fresh.claimToken(), alive.id(), new Completion(null, 0, "ok"));
    assertThat(mesh.core.tasks().get(task).status()).isEqualTo(TaskStatus.SUCCEEDED);
    assertThat(mesh.core.tasks().attempts(task)).extracting(a -> a.outcome())
        .containsExactly(AttemptOutcome.LOST, AttemptOutcome.SUCCEEDED);
  }

  @Test
  void aWrongTokenIsAConflictAndAnotherAgentsClaimIsForbidden() {
    Agent holder = mesh.agent();
    Agent other = mesh.agent();
    Claim claim = claimFresh(holder);
    UUID task = claim.task().id();

    assertThatThrownBy(() -> mesh.core.reports().complete(task, "wm_claim_forged", holder.id(),
        new Completion(null, 0, null))).isInstanceOf(StaleClaimException.class);
    assertThatThrownBy(() -> mesh.core.reports().complete(task, claim.claimToken(), other.id(),
        new Completion(null, 0, null))).isInstanceOf(NotYourClaimException.class);
    assertThat(mesh.core.tasks().get(task).status()).isEqualTo(TaskStatus.CLAIMED);
    assertThat(mesh.core.tasks().attempts(task).getFirst().live()).isTrue();
  }

  @Test
  void aReportTwiceIsRejectedTheSecondTime() {
    Agent holder = mesh.agent();
    Claim claim = claimFresh(holder);
    mesh.core.reports().complete(claim.task().id(), claim.claimToken(), holder.id(), new Completion(null, 0, null));
    assertThatThrownBy(() -> mesh.core.reports().fail(claim.task().id(), claim.claimToken(), holder.id(),
        new Failure(AttemptOutcome.FAILED, "late", true, 1, null)))
        .isInstanceOf(StaleClaimException.class).hasMessageContaining("ended succeeded");
    assertThat(mesh.core.tasks().get(claim.task().id()).status()).isEqualTo(TaskStatus.SUCCEEDED);
  }

  @Test
  void heartbeatsKeepALongTaskAliveHoweverLongItRuns() {
    drainLeftovers();
    Agent worker = mesh.agent();
    Claim claim = claimFresh(worker);
    UUID task = claim.task().id();
    for (int minute = 0; minute < 120; minute++) {
      mesh.clock.advance(LEASE.dividedBy(3));
      HeartbeatAck ack = mesh.core.reports().heartbeat(task, claim.claimToken(), worker.id());
      assertThat(ack.leaseExpiresAt()).isAfter(mesh.clock.instant());
      assertThat(mesh.core.rescuer().runOnce(100).total()).isZero();
    }
    assertThat(mesh.core.tasks().get(task).status()).isEqualTo(TaskStatus.RUNNING);
    assertThat(mesh.core.tasks().attempts(task)).singleElement().satisfies(a -> assertThat(a.live()).isTrue());
  }

  @Test
  void twoRescuersRacingNeverRescueTheSameAttemptTwice() throws Exception {
    drainLeftovers();
    Agent dead = mesh.agent();
    for (int i = 0; i < 40; i++) {
      claimFresh(dead);
    }
    mesh.clock.advance(LEASE.plusSeconds(5));
    ExecutorService pool = Executors.newFixedThreadPool(2);
    Callable<Integer> sweep = () -> {
      int n = 0;
      Rescued r;
      while ((r = mesh.core.rescuer().runOnce(3)).total() > 0) {
        n += r.total();
      }
      return n;
    };
    List<Future<Integer>> results = pool.invokeAll(List.of(sweep, sweep));
    pool.shutdown();
    int total = results.get(0).get() + results.get(1).get();
    Long lost = mesh.core.db().jdbc().sql("SELECT count(*) FROM attempt WHERE agent_id = :a AND outcome = 'lost'")
        .param("a", dead.id()).query(Long.class).single();
    assertThat(lost).isEqualTo(40);
    assertThat(total).isEqualTo(40);
    Long lostEvents = mesh.core.db().jdbc().sql("SELECT count(DISTINCT payload->>'attempt_id') FROM outbox"
        + " WHERE payload->>'type' = 'attempt.lost' AND payload->>'agent_id' = :a").param("a", dead.id().toString())
        .query(Long.class).single();
    Long allLostEvents = mesh.core.db().jdbc().sql("SELECT count(*) FROM outbox"
        + " WHERE payload->>'type' = 'attempt.lost' AND payload->>'agent_id' = :a").param("a", dead.id().toString())
        .query(Long.class).single();
    assertThat(allLostEvents).isEqualTo(lostEvents).isEqualTo(40);
  }

  @Test
  void revokingAnAgentHandsItsClaimsBackAtOnce() {
    Agent revoked = mesh.agent();
    Claim claim = claimFresh(revoked);
    mesh.core.revokeAgent(revoked.id());

    MeshTask task = mesh.core.tasks().get(claim.task().id());
    assertThat(task.status()).isEqualTo(TaskStatus.READY);
    assertThat(mesh.core.agents().authenticate("anything")).isEmpty();
    assertThatThrownBy(() -> mesh.core.reports().heartbeat(task.id(), claim.claimToken(), revoked.id()))
        .isInstanceOf(StaleClaimException.class);
  }

  @Test
  void heartbeatTellsTheHolderThatCancellationWasRequested() {
    Agent worker = mesh.agent();
    Claim claim = claimFresh(worker);
    UUID task = claim.task().id();
    assertThat(mesh.core.reports().heartbeat(task, claim.claimToken(), worker.id()).cancelRequested()).isFalse();
    mesh.core.actions().cancel(task);
    assertThat(mesh.core.reports().heartbeat(task, claim.claimToken(), worker.id()).cancelRequested()).isTrue();
    mesh.core.reports().fail(task, claim.claimToken(), worker.id(),
        new Failure(AttemptOutcome.CANCELLED, "stopped on request", false, 143, null));
    assertThat(mesh.core.tasks().get(task).status()).isEqualTo(TaskStatus.CANCELLED);
  }
}
