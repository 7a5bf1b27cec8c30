package dev.workmesh.watchdog.rescue;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.workmesh.core.agent.Agent;
import dev.workmesh.core.claim.AttemptReports.Completion;
import dev.workmesh.core.claim.Claim;
import dev.workmesh.core.claim.StaleClaimException;
import dev.workmesh.core.task.AttemptOutcome;
import dev.workmesh.core.task.NewTask;
import dev.workmesh.core.task.TaskStatus;
import dev.workmesh.testsupport.MeshIntegrationTest;
import dev.workmesh.testsupport.TestDatabase;
import dev.workmesh.watchdog.WatchdogHarness;
import java.time.Duration;
import java.util.UUID;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import tools.jackson.databind.node.JsonNodeFactory;

/**
 * A report that arrives after its lease lapsed. Until the watchdog rescues the claim (it may be holding
 * rescue) the attempt is still the live one and its report is accepted. Once rescued, the attempt ended
 * {@code lost} and its token is stale (409, nothing changes), whether or not another agent claimed the task
 * since: the mesh re-runs the task rather than reviving an ended attempt.
 */
@MeshIntegrationTest
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class LateReportTest {

  private WatchdogHarness mesh;

  @BeforeAll
  void start(TestDatabase database) {
    mesh = new WatchdogHarness(database);
  }

  @AfterAll
  void stop() {
    mesh.close();
  }

  private static Completion done(String what) {
    return new Completion(JsonNodeFactory.instance.objectNode().put("answer", what), 0, what);
  }

  @Test
  void aLapsedClaimNotYetRescuedIsStillLiveAndItsReportIsAccepted() {
    Agent agent = mesh.agent();
    UUID task = mesh.submit(NewTask.of("slow job", ""));
    Claim claim = mesh.core.claims().claimTask(agent.id(), task).orElseThrow();
    mesh.clock.advance(WatchdogHarness.STALE.plusSeconds(5)); // lapsed; no rescue ran (or rescue is held)

    mesh.core.reports().complete(task, claim.claimToken(), agent.id(), done("late but first"));

    assertThat(mesh.core.tasks().get(task).status()).isEqualTo(TaskStatus.SUCCEEDED);
    assertThat(mesh.core.tasks().attempts(task)).singleElement()
        .satisfies(a -> assertThat(a.outcome()).isEqualTo(AttemptOutcome.SUCCEEDED));
  }

  @Test
  void aReportAfterRescueWithNoSuccessorIsRefusedAndTheTaskIsRunAgain() {
    Agent late = mesh.agent();
    UUID task = mesh.submit(NewTask.of("job", ""));
    Claim claim = mesh.core.claims().claimTask(late.id(), task).orElseThrow();
    mesh.clock.advance(WatchdogHarness.STALE.plusSeconds(1));
    assertThat(mesh.core.rescuer().runOnce(500).lapsed()).isPositive();

    assertThatThrownBy(() -> mesh.core.reports().complete(task, claim.claimToken(), late.id(), done("too late")))
        .isInstanceOf(StaleClaimException.class).hasMessageContaining("ended lost");

    assertThat(mesh.core.tasks().get(task).status()).as("still waiting for its next attempt").isEqualTo(TaskStatus.READY);
    assertThat(mesh.core.tasks().attempts(task)).singleElement().satisfies(a -> {
      assertThat(a.outcome()).isEqualTo(AttemptOutcome.LOST);
      assertThat(a.result()).isNull();
    });
    Agent next = mesh.agent();
    Claim rerun = mesh.core.claims().claimTask(next.id(), task).orElseThrow();
    assertThat(rerun.attemptNumber()).isEqualTo(2);
    mesh.core.reports().complete(task, rerun.claimToken(), next.id(), done("re-run"));
    assertThat(mesh.core.tasks().get(task).status()).isEqualTo(TaskStatus.SUCCEEDED);
  }

  @Test
  void aReportAfterASuccessorClaimedIsRefusedAndTheSuccessorKeepsTheTask() {
    Agent late = mesh.agent();
    UUID task = mesh.submit(NewTask.of("job", ""));
    Claim claim = mesh.core.claims().claimTask(late.id(), task).orElseThrow();
    mesh.clock.advance(WatchdogHarness.STALE.plusSeconds(1));
    assertThat(mesh.core.rescuer().runOnce(500).lapsed()).isPositive();
    Agent successor = mesh.agent();
    Claim next = mesh.core.claims().claimTask(successor.id(), task).orElseThrow();
    mesh.core.reports().heartbeat(task, next.claimToken(), successor.id());
    TaskStatus before = mesh.core.tasks().get(task).status();

    assertThatThrownBy(() -> mesh.core.reports().complete(task, claim.claimToken(), late.id(), done("too late")))
        .isInstanceOf(StaleClaimException.class);

    assertThat(mesh.core.tasks().get(task).status()).as("nothing changed").isEqualTo(before)
        .isEqualTo(TaskStatus.RUNNING);
    assertThat(mesh.core.tasks().attempts(task)).extracting(a -> a.outcome()).containsExactly(AttemptOutcome.LOST, null);
    mesh.core.reports().complete(task, next.claimToken(), successor.id(), done("successor"));
    assertThat(mesh.core.tasks().get(task).status()).isEqualTo(TaskStatus.SUCCEEDED);
    assertThat(mesh.core.tasks().attempts(task)).extracting(a -> a.outcome())
        .containsExactly(AttemptOutcome.LOST, AttemptOutcome.SUCCEEDED);
  }
}
