package dev.workmesh.watchdog.rescue;

import static org.assertj.core.api.Assertions.assertThat;

import dev.workmesh.core.agent.Agent;
import dev.workmesh.core.agent.AgentStatus;
import dev.workmesh.core.claim.Claim;
import dev.workmesh.core.leader.MaintenanceLoop;
import dev.workmesh.core.task.AttemptOutcome;
import dev.workmesh.core.task.NewTask;
import dev.workmesh.core.task.TaskStatus;
import dev.workmesh.testsupport.MeshIntegrationTest;
import dev.workmesh.testsupport.TestDatabase;
import dev.workmesh.watchdog.WatchdogHarness;
import dev.workmesh.watchdog.config.WatchdogProperties.RescueHoldSettings;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.UUID;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;

/**
 * The rescue hold with the real loop on the real database: most agents holding claims silent at once hold
 * lease rescue, one silent agent among several does not, and a hold never outlasts its maximum.
 */
@MeshIntegrationTest
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class RescueHoldTest {

  private static final Duration MAX = Duration.ofMinutes(3);

  private WatchdogHarness mesh;

  @BeforeAll
  void start(TestDatabase database) {
    mesh = new WatchdogHarness(database); // claim lease = stale threshold (30s); silent after 20s
  }

  @AfterAll
  void stop() {
    mesh.close();
  }

  @BeforeEach
  void noClaimLeftFromAnotherTest() {
    // The hold counts every live claim in the database: end those of earlier tests, and let their leader lease lapse.
    mesh.core.db().jdbc().sql("UPDATE attempt SET outcome = 'released', finished_at = now() WHERE outcome IS NULL")
        .update();
    mesh.clock.advance(Duration.ofMinutes(1));
  }

  private record Held(Agent agent, UUID task, Claim claim) {}

  private List<Held> agentsWithClaims(int n) {
    List<Held> held = new ArrayList<>();
    for (int i = 0; i < n; i++) {
      Agent agent = mesh.agent();
      UUID task = mesh.submit(NewTask.of("job " + i, ""));
      Claim claim = mesh.core.claims().claimTask(agent.id(), task).orElseThrow();
      mesh.core.reports().heartbeat(task, claim.claimToken(), agent.id());
      held.add(new Held(agent, task, claim));
    }
    return held;
  }

  private List<AttemptOutcome> outcomes(List<Held> held) {
    return held.stream().map(h -> mesh.core.tasks().attempts(h.task()).getFirst().outcome()).toList();
  }

  private static double gauge(SimpleMeterRegistry meters) {
    return meters.get("mesh.watchdog.rescue.held").gauge().value();
  }

  private static double heldTicks(SimpleMeterRegistry meters) {
    return meters.get("mesh.watchdog.rescue.held.ticks").counter().count();
  }

  @Test
  void threeAgentsSilentAtOnceHoldRescueUntilTheMaximumThenTheirClaimsAreRescued() {
    SimpleMeterRegistry meters = new SimpleMeterRegistry();
    try (MaintenanceLoop watchdog = mesh.replica("hold-all", new RescueHoldSettings(null, null, MAX, null), meters)) {
      List<Held> held = agentsWithClaims(3);
      // The control plane is cut off from every agent now: no heartbeat of any kind from here on.

      mesh.clock.advance(WatchdogHarness.STALE.plusSeconds(1)); // every lease lapsed, every agent silent
      assertThat(watchdog.tick()).isTrue();
      assertThat(outcomes(held)).as("held: nothing rescued").containsOnlyNulls();
      assertThat(gauge(meters)).isEqualTo(1.0);
      assertThat(heldTicks(meters)).isEqualTo(1.0);

      mesh.clock.advance(WatchdogHarness.DISCONNECT); // now disconnected as well: still held
      assertThat(watchdog.tick()).isTrue();
      assertThat(mesh.core.agents().get(held.getFirst().agent().id()).status()).isEqualTo(AgentStatus.DISCONNECTED);
      assertThat(outcomes(held)).as("still held past the disconnect threshold").containsOnlyNulls();
      assertThat(heldTicks(meters)).isEqualTo(2.0);
      assertThat(meters.get(LeaseRescueJob.RESCUES).tag("outcome", "lapsed").counter().count()).isZero();

      mesh.clock.advance(MAX); // the hold started one tick ago plus this: past its maximum
      assertThat(watchdog.tick()).isTrue();
      assertThat(outcomes(held)).as("the hold ran out: rescued").containsOnly(AttemptOutcome.LOST);
      assertThat(held).allSatisfy(h -> assertThat(mesh.core.tasks().get(h.task()).status()).isEqualTo(TaskStatus.READY));
      assertThat(gauge(meters)).isZero();
      assertThat(heldTicks(meters)).isEqualTo(2.0);
    }
  }

  @Test
  void whenTheFleetReportsAgainTheStragglersGetTheSilenceWindowBeforeTheirClaimsAreRescued() {
    SimpleMeterRegistry meters = new SimpleMeterRegistry();
    try (MaintenanceLoop watchdog = mesh.replica("hold-back", null, meters)) {
      List<Held> held = agentsWithClaims(3);
      mesh.clock.advance(WatchdogHarness.STALE.plusSeconds(1));
      assertThat(watchdog.tick()).isTrue();
      assertThat(gauge(meters)).isEqualTo(1.0);

      List<Held> back = held.subList(1, 3); // the API is reachable again: two report, the first not yet
      back.forEach(this::heartbeat);
      assertThat(watchdog.tick()).isTrue();
      assertThat(outcomes(held)).as("one of three silent, but the rest may be on their way").containsOnlyNulls();
      assertThat(gauge(meters)).isEqualTo(1.0);

      mesh.clock.advance(Duration.ofSeconds(11));
      back.forEach(this::heartbeat);
      mesh.clock.advance(Duration.ofSeconds(10)); // the silence window (20s) has passed since they came back
      assertThat(watchdog.tick()).isTrue();
      assertThat(outcomes(held)).containsExactly(AttemptOutcome.LOST, null, null);
      assertThat(gauge(meters)).isZero();
    }
  }

  private void heartbeat(Held h) {
    mesh.core.reports().heartbeat(h.task(), h.claim().claimToken(), h.agent().id());
  }

  @Test
  void oneSilentAgentOfFourIsADeadAgentAndItsClaimIsRescued() {
    SimpleMeterRegistry meters = new SimpleMeterRegistry();
    try (MaintenanceLoop watchdog = mesh.replica("hold-one", null, meters)) {
      List<Held> held = agentsWithClaims(4);
      mesh.clock.advance(WatchdogHarness.STALE.minusSeconds(5));
      for (Held alive : held.subList(1, 4)) { // three keep their claims alive; the first was killed
        mesh.core.reports().heartbeat(alive.task(), alive.claim().claimToken(), alive.agent().id());
      }
      mesh.clock.advance(Duration.ofSeconds(6)); // the killed agent's lease lapsed

      assertThat(watchdog.tick()).isTrue();
      assertThat(outcomes(held)).containsExactly(AttemptOutcome.LOST, null, null, null);
      assertThat(mesh.core.tasks().get(held.getFirst().task()).status()).isEqualTo(TaskStatus.READY);
      assertThat(gauge(meters)).isZero();
      assertThat(heldTicks(meters)).isZero();
    }
  }

  @Test
  void belowTheMinimumOfAgentsSilenceIsNeverAHold() {
    SimpleMeterRegistry meters = new SimpleMeterRegistry();
    try (MaintenanceLoop watchdog = mesh.replica("hold-few", null, meters)) {
      List<Held> held = agentsWithClaims(2); // both silent, but two agents are too few to suspect the mesh
      mesh.clock.advance(WatchdogHarness.STALE.plusSeconds(1));

      assertThat(watchdog.tick()).isTrue();
      assertThat(outcomes(held)).containsOnly(AttemptOutcome.LOST);
      assertThat(heldTicks(meters)).isZero();
    }
  }
}
