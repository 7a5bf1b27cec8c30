package dev.workmesh.watchdog.health;

import static org.assertj.core.api.Assertions.assertThat;

import dev.workmesh.core.agent.Agent;
import dev.workmesh.core.agent.AgentStatus;
import dev.workmesh.core.leader.MaintenanceLoop;
import dev.workmesh.testsupport.MeshIntegrationTest;
import dev.workmesh.testsupport.TestDatabase;
import dev.workmesh.watchdog.WatchdogHarness;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.UUID;
import java.util.concurrent.Callable;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;

/**
 * Agent health from heartbeats: connected -> unhealthy after the stale threshold, -> disconnected after the
 * disconnect threshold, back to connected on a heartbeat, revoked for good; exactly one agent event in the
 * outbox per change and none without one.
 */
@MeshIntegrationTest
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class AgentHealthTransitionsTest {

  private static final String ENROLLED = "agent.enrolled:null->connected";

  private WatchdogHarness mesh;
  private MaintenanceLoop watchdog;

  @BeforeAll
  void start(TestDatabase database) {
    mesh = new WatchdogHarness(database);
  }

  @AfterAll
  void stop() {
    mesh.close();
  }

  @BeforeEach
  void replica() {
    watchdog = mesh.replica("replica-a", new SimpleMeterRegistry());
  }

  @AfterEach
  void closeReplica() {
    watchdog.close();
  }

  private AgentStatus status(Agent agent) {
    return mesh.core.agents().get(agent.id()).status();
  }

  /** Moves the clock and runs one sweep of the watchdog, as its leader. */
  private void advanceAndSweep(Duration by) {
    sweepAt(mesh.clock.instant().plus(by));
  }

  /** Sets the clock to {@code at} and runs one sweep. */
  private void sweepAt(Instant at) {
    mesh.clock.set(at);
    assertThat(watchdog.tick()).as("the only replica leads").isTrue();
  }

  @Test
  void aSilentAgentBecomesUnhealthyThenDisconnectedWithOneEventPerChange() {
    Agent agent = mesh.agent();
    Instant lastBeat = agent.lastHeartbeatAt();

    sweepAt(lastBeat.plus(WatchdogHarness.STALE));
    assertThat(status(agent)).as("exactly at the stale threshold it is still connected").isEqualTo(AgentStatus.CONNECTED);
    sweepAt(lastBeat.plus(WatchdogHarness.STALE).plusMillis(1));
    assertThat(status(agent)).isEqualTo(AgentStatus.UNHEALTHY);
    sweepAt(lastBeat.plus(WatchdogHarness.STALE).plusSeconds(10));
    assertThat(status(agent)).as("a later sweep changes nothing while unhealthy").isEqualTo(AgentStatus.UNHEALTHY);

    sweepAt(lastBeat.plus(WatchdogHarness.DISCONNECT));
    assertThat(status(agent)).as("exactly at the disconnect threshold").isEqualTo(AgentStatus.UNHEALTHY);
    sweepAt(lastBeat.plus(WatchdogHarness.DISCONNECT).plusMillis(1));
    assertThat(status(agent)).isEqualTo(AgentStatus.DISCONNECTED);
    sweepAt(lastBeat.plus(WatchdogHarness.DISCONNECT).plus(Duration.ofHours(1)));
    assertThat(status(agent)).isEqualTo(AgentStatus.DISCONNECTED);

    assertThat(mesh.agentEvents(agent.id())).containsExactly(
        ENROLLED,
        "agent.status_changed:connected->unhealthy",
        "agent.status_changed:unhealthy->disconnected");
  }

  @Test
  void anAgentSilentPastBothThresholdsGoesStraightToDisconnectedInOneChange() {
    Agent agent = mesh.agent();
    advanceAndSweep(WatchdogHarness.DISCONNECT.plusSeconds(1));
    assertThat(status(agent)).isEqualTo(AgentStatus.DISCONNECTED);
    assertThat(mesh.agentEvents(agent.id()))
        .containsExactly(ENROLLED, "agent.status_changed:connected->disconnected");
  }

  @Test
  void aHeartbeatBringsAnUnhealthyOrDisconnectedAgentBackToConnected() {
    Agent agent = mesh.agent();
    advanceAndSweep(WatchdogHarness.STALE.plusSeconds(1));
    assertThat(status(agent)).isEqualTo(AgentStatus.UNHEALTHY);

    mesh.core.agents().heartbeat(agent.id());
    assertThat(status(agent)).isEqualTo(AgentStatus.CONNECTED);
    advanceAndSweep(WatchdogHarness.HEARTBEAT);
    assertThat(status(agent)).as("fresh heartbeat: the sweep leaves it connected").isEqualTo(AgentStatus.CONNECTED);

    advanceAndSweep(WatchdogHarness.DISCONNECT);
    assertThat(status(agent)).isEqualTo(AgentStatus.DISCONNECTED);
    mesh.core.agents().heartbeat(agent.id());
    mesh.core.agents().heartbeat(agent.id());
    assertThat(status(agent)).isEqualTo(AgentStatus.CONNECTED);

    assertThat(mesh.agentEvents(agent.id())).containsExactly(
        ENROLLED,
        "agent.status_changed:connected->unhealthy",
        "agent.status_changed:unhealthy->connected",
        "agent.status_changed:connected->disconnected",
        "agent.status_changed:disconnected->connected");
  }

  @Test
  void anAgentThatKeepsHeartbeatingStaysConnectedWithoutEvents() {
    Agent agent = mesh.agent();
    for (int beat = 0; beat < 100; beat++) {
      advanceAndSweep(WatchdogHarness.HEARTBEAT);
      mesh.core.agents().heartbeat(agent.id());
    }
    assertThat(status(agent)).isEqualTo(AgentStatus.CONNECTED);
    assertThat(mesh.agentEvents(agent.id())).containsExactly(ENROLLED);
  }

  @Test
  void aRevokedAgentStaysRevokedHoweverLongItIsSilent() {
    Agent agent = mesh.agent();
    mesh.core.revokeAgent(agent.id());
    advanceAndSweep(WatchdogHarness.STALE.plusSeconds(1));
    advanceAndSweep(WatchdogHarness.DISCONNECT.plusSeconds(1));
    advanceAndSweep(Duration.ofDays(3));
    mesh.core.agents().heartbeat(agent.id()); // only an operator could still send one: it changes nothing
    assertThat(status(agent)).isEqualTo(AgentStatus.REVOKED);
    assertThat(mesh.agentEvents(agent.id())).containsExactly(ENROLLED, "agent.revoked:connected->revoked");
  }

  @Test
  void twoSweepersRacingNeverMoveOneAgentTwice() throws Exception {
    List<UUID> agents = new ArrayList<>();
    for (int i = 0; i < 60; i++) {
      agents.add(mesh.agent().id());
    }
    mesh.clock.advance(WatchdogHarness.STALE.plusSeconds(1));
    // The sweep itself, without leadership, on two threads at once: what a leadership hand-over could cause.
    AgentHealthSweep sweep = new AgentHealthSweep(mesh.core.db(), mesh.core.agents(), WatchdogHarness.STALE,
        WatchdogHarness.DISCONNECT, 7, new SimpleMeterRegistry());
    Callable<Integer> drain = () -> {
      int moved = 0;
      int n;
      while ((n = sweep.runOnce()) > 0) {
        moved += n;
      }
      return moved;
    };
    ExecutorService pool = Executors.newFixedThreadPool(2);
    try {
      var results = pool.invokeAll(List.of(drain, drain));
      int moved = results.get(0).get() + results.get(1).get();
      assertThat(moved).isGreaterThanOrEqualTo(agents.size());
    } finally {
      pool.shutdown();
    }
    for (UUID agent : agents) {
      assertThat(mesh.agentEvents(agent)).containsExactly(ENROLLED, "agent.status_changed:connected->unhealthy");
    }
  }
}
