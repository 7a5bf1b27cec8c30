package dev.workmesh.api;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import dev.workmesh.client.MeshClient;
import dev.workmesh.client.model.AgentRequest;
import dev.workmesh.client.model.ClaimRequest;
import dev.workmesh.client.model.ClaimView;
import dev.workmesh.client.model.CompleteRequest;
import dev.workmesh.client.model.EnrolledAgent;
import dev.workmesh.client.model.MissionView;
import dev.workmesh.client.model.TaskRequest;
import dev.workmesh.client.model.TaskView;
import dev.workmesh.core.MeshCore;
import dev.workmesh.core.agent.AgentStatus;
import dev.workmesh.watchdog.health.AgentHealthSweep;
import dev.workmesh.watchdog.rescue.LeaseRescueJob;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.springframework.beans.factory.annotation.Autowired;
import tools.jackson.databind.node.JsonNodeFactory;

/**
 * Liveness follows activity: with the watchdog's own health sweep and lease rescue running on short
 * thresholds, an agent that only heartbeats its claim stays connected and keeps the claim, and an agent
 * that went silent is connected again by its next call.
 */
class AgentLivenessTest extends ApiTestBase {

  private static final Duration STALE = Duration.ofSeconds(3);
  private static final Duration DISCONNECT = Duration.ofSeconds(5);

  @Autowired MeshCore core;

  private ScheduledExecutorService watchdog;

  @BeforeEach
  void startWatchdogSweeps() {
    var meters = new SimpleMeterRegistry();
    var health = new AgentHealthSweep(core.db(), core.agents(), STALE, DISCONNECT, 500, meters);
    var rescue = new LeaseRescueJob(core.rescuer(), 500, meters);
    watchdog = Executors.newSingleThreadScheduledExecutor();
    watchdog.scheduleWithFixedDelay(() -> {
      health.runOnce();
      rescue.runOnce();
    }, 0, 200, TimeUnit.MILLISECONDS);
  }

  @AfterEach
  void stopWatchdogSweeps() throws InterruptedException {
    watchdog.shutdownNow();
    watchdog.awaitTermination(10, TimeUnit.SECONDS);
  }

  private static String pool() {
    return "live-" + UUID.randomUUID().toString().substring(0, 8);
  }

  private EnrolledAgent enrolIn(String pool) {
    return operator().enrol(new AgentRequest("agent-" + UUID.randomUUID(), List.of(pool), List.of(), List.of(), 2,
        Map.of()));
  }

  private TaskView submitIn(MissionView mission, String pool) {
    return operator().submit(mission.id(), new TaskRequest("work", "do it", null, null, pool, null, null, null, null,
        null, null, null, null, null, null)).task();
  }

  private String status(EnrolledAgent agent) {
    return core.agents().get(agent.agent().id()).status().wire();
  }

  @Test
  void anAgentThatOnlyHeartbeatsItsClaimStaysConnectedPastTheDisconnectThreshold() {
    String pool = pool();
    MissionView mission = newMission();
    EnrolledAgent agent = enrolIn(pool);
    MeshClient me = as(agent.token());
    TaskView task = submitIn(mission, pool);
    ClaimView claim = me.claim(new ClaimRequest(null, mission.id(), 1, 0)).getFirst();

    // From here on the agent makes no call of its own: only its claim's heartbeat, sent by the operator,
    // so what keeps the agent alive is the heartbeat of its attempt, not the agent's token.
    Instant until = Instant.now().plus(DISCONNECT.multipliedBy(5).dividedBy(2));
    await().atMost(DISCONNECT.multipliedBy(4)).pollInterval(Duration.ofMillis(500)).until(() -> {
      operator().heartbeat(task.id(), claim.claimToken());
      assertThat(status(agent)).isNotEqualTo("disconnected");
      return Instant.now().isAfter(until);
    });

    assertThat(status(agent)).isEqualTo("connected");
    assertThat(operator().task(task.id()).attempts()).singleElement()
        .satisfies(a -> assertThat(a.outcome()).isNull());
    TaskView done = me.complete(task.id(), new CompleteRequest(claim.claimToken(),
        JsonNodeFactory.instance.objectNode().put("kept", true), 0, null));
    assertThat(done.status()).isEqualTo("succeeded");
  }

  @Test
  void anIdleDisconnectedAgentThatClaimsIsConnectedAgainAndGetsItsTask() {
    String pool = pool();
    MissionView mission = newMission();
    EnrolledAgent agent = enrolIn(pool);
    await().atMost(DISCONNECT.multipliedBy(3)).until(() -> status(agent).equals("disconnected"));
    TaskView task = submitIn(mission, pool);

    List<ClaimView> claims = as(agent.token()).claim(new ClaimRequest(null, mission.id(), 1, 0));

    assertThat(claims).singleElement().satisfies(c -> assertThat(c.task().id()).isEqualTo(task.id()));
    assertThat(core.agents().get(agent.agent().id()).status()).isEqualTo(AgentStatus.CONNECTED);
    Integer reconnected = core.db().jdbc()
        .sql("SELECT count(*) FROM outbox WHERE topic = 'mesh.agent-events' AND message_key = :agent"
            + " AND payload->>'type' = 'agent.status_changed' AND payload->>'status' = 'connected'"
            + " AND payload->>'previous_status' = 'disconnected'")
        .param("agent", agent.agent().id().toString())
        .query(Integer.class)
        .single();
    assertThat(reconnected).isEqualTo(1);
  }
}
