package dev.workmesh.watchdog.rescue;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.awaitility.Awaitility.await;

import dev.workmesh.core.loop.LoopMetrics;
import dev.workmesh.core.agent.Agent;
import dev.workmesh.core.agent.AgentStatus;
import dev.workmesh.core.claim.AttemptReports.Completion;
import dev.workmesh.core.claim.Claim;
import dev.workmesh.core.claim.StaleClaimException;
import dev.workmesh.core.leader.MaintenanceLoop;
import dev.workmesh.core.task.AttemptOutcome;
import dev.workmesh.core.task.NewTask;
import dev.workmesh.core.task.TaskStatus;
import dev.workmesh.testsupport.MeshIntegrationTest;
import dev.workmesh.testsupport.TestDatabase;
import dev.workmesh.watchdog.WatchdogHarness;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import java.time.Duration;
import java.util.UUID;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;

/**
 * Invariant 5 with the watchdog running in the background: the claim of a worker killed mid-task is rescued
 * within the stale threshold plus one sweep, another agent then claims and completes the task, and the dead
 * worker's token is rejected.
 */
@MeshIntegrationTest
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class KilledWorkerRescueTest {

  private WatchdogHarness mesh;

  @BeforeAll
  void start(TestDatabase database) {
    mesh = new WatchdogHarness(database); // claim lease = stale threshold (30s), as a worker beating every 10s
  }

  @AfterAll
  void stop() {
    mesh.close();
  }

  /** Waits until a whole tick of the background loop ran after this call (the clock does not move meanwhile). */
  private static void awaitOneFullSweep(SimpleMeterRegistry meters) {
    double before = rescueRuns(meters);
    // +2: a run that had begun before this call may finish first.
    await().atMost(Duration.ofSeconds(10)).until(() -> rescueRuns(meters) >= before + 2);
  }

  private static double rescueRuns(SimpleMeterRegistry meters) {
    var runs = meters.find(LoopMetrics.RUNS).tag("step", "lease-rescue").tag("outcome", "ok").counter();
    return runs == null ? 0 : runs.count();
  }

  @Test
  void aKilledWorkersTaskIsRescuedWithinTheStaleThresholdPlusOneSweepAndAnotherAgentFinishesIt() {
    SimpleMeterRegistry meters = new SimpleMeterRegistry();
    try (MaintenanceLoop watchdog = mesh.replica("replica-a", meters)) {
      watchdog.start();
      Agent killed = mesh.agent();
      Agent healthy = mesh.agent();
      UUID task = mesh.submit(NewTask.of("long job", "runs until the worker is killed"));
      Claim old = mesh.core.claims().claimTask(killed.id(), task).orElseThrow();
      mesh.core.reports().heartbeat(task, old.claimToken(), killed.id());
      // The worker is killed now: no agent heartbeat, no attempt heartbeat from here on.

      mesh.clock.advance(WatchdogHarness.STALE.minusSeconds(1));
      mesh.core.agents().heartbeat(healthy.id());
      awaitOneFullSweep(meters);
      assertThat(mesh.core.tasks().get(task).status()).as("not before the threshold").isEqualTo(TaskStatus.RUNNING);
      assertThat(mesh.core.agents().get(killed.id()).status()).isEqualTo(AgentStatus.CONNECTED);

      mesh.clock.advance(Duration.ofSeconds(1).plusMillis(1)); // the stale threshold has just passed
      awaitOneFullSweep(meters);
      assertThat(mesh.core.tasks().get(task).status()).as("rescued by the first sweep past the threshold")
          .isEqualTo(TaskStatus.READY);
      assertThat(mesh.core.tasks().attempts(task)).singleElement()
          .satisfies(a -> assertThat(a.outcome()).isEqualTo(AttemptOutcome.LOST));
      assertThat(mesh.core.agents().get(killed.id()).status()).isEqualTo(AgentStatus.UNHEALTHY);
      assertThat(mesh.core.agents().get(healthy.id()).status()).isEqualTo(AgentStatus.CONNECTED);
      assertThat(meters.get(LeaseRescueJob.RESCUES).tag("outcome", "lapsed").counter().count()).isEqualTo(1.0);

      Claim fresh = mesh.core.claims().claimTask(healthy.id(), task).orElseThrow();
      assertThat(fresh.attemptNumber()).isEqualTo(2);
      assertThatThrownBy(() -> mesh.core.reports().complete(task, old.claimToken(), killed.id(),
          new Completion(null, 0, "late")))
          .isInstanceOf(StaleClaimException.class).hasMessageContaining("ended lost");
      assertThatThrownBy(() -> mesh.core.reports().heartbeat(task, old.claimToken(), killed.id()))
          .isInstanceOf(StaleClaimException.class);
      mesh.core.reports().complete(task, fresh.claimToken(), healthy.id(), new Completion(null, 0, "done"));

      assertThat(mesh.core.tasks().get(task).status()).isEqualTo(TaskStatus.SUCCEEDED);
      assertThat(mesh.core.tasks().attempts(task)).extracting(a -> a.outcome())
          .containsExactly(AttemptOutcome.LOST, AttemptOutcome.SUCCEEDED);
    }
  }

  @Test
  void aDisconnectedAgentsClaimsAreRescuedWithoutWaitingForTheirLeases(TestDatabase database) {
    // Leases far longer than the disconnect threshold: only the agent's disconnection can free the claim.
    try (WatchdogHarness longLeases = new WatchdogHarness(database, Duration.ofHours(2))) {
      SimpleMeterRegistry meters = new SimpleMeterRegistry();
      try (MaintenanceLoop watchdog = longLeases.replica("replica-long", meters)) {
        Agent gone = longLeases.agent();
        UUID task = longLeases.submit(NewTask.of("job", ""));
        Claim claim = longLeases.core.claims().claimTask(gone.id(), task).orElseThrow();

        longLeases.clock.advance(WatchdogHarness.DISCONNECT.plusSeconds(1));
        assertThat(watchdog.tick()).isTrue();

        assertThat(longLeases.core.agents().get(gone.id()).status()).isEqualTo(AgentStatus.DISCONNECTED);
        assertThat(longLeases.core.tasks().get(task).status()).as("rescued in the same tick").isEqualTo(TaskStatus.READY);
        assertThat(longLeases.core.tasks().attempts(task).getFirst().leaseExpiresAt())
            .as("its lease had not lapsed").isAfter(longLeases.clock.instant());
        assertThat(meters.get(LeaseRescueJob.RESCUES).tag("outcome", "agent_gone").counter().count()).isEqualTo(1.0);
        assertThat(meters.get(LeaseRescueJob.RESCUES).tag("outcome", "lapsed").counter().count()).isZero();
        assertThatThrownBy(() -> longLeases.core.reports().heartbeat(task, claim.claimToken(), gone.id()))
            .isInstanceOf(StaleClaimException.class);
      }
    }
  }
}
