package dev.workmesh.api;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import dev.workmesh.client.model.EnrolledAgent;
import dev.workmesh.core.MeshCore;
import dev.workmesh.core.agent.Agent;
import dev.workmesh.core.agent.AgentStatus;
import dev.workmesh.core.db.MeshDb;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.time.Instant;
import java.util.UUID;
import org.junit.jupiter.api.Test;
import org.springframework.beans.factory.annotation.Autowired;

/**
 * An agent's call is its sign of life: a connected agent's is written after the call, at the time of the call;
 * an unhealthy agent is connected again before its call is served.
 */
class AgentSignOfLifeTest extends ApiTestBase {

  @Autowired MeshCore core;

  @Test
  void aConnectedAgentsCallIsWrittenAfterItAtTheTimeOfTheCall() throws Exception {
    EnrolledAgent enrolled = enrol("sign-" + UUID.randomUUID());
    UUID id = enrolled.agent().id();
    Instant longAgo = Instant.now().minus(Duration.ofMinutes(1)).truncatedTo(java.time.temporal.ChronoUnit.MILLIS);
    core.db().jdbc().sql("UPDATE agent SET last_heartbeat_at = :at WHERE id = :id")
        .param("at", MeshDb.ts(longAgo)).param("id", id).update();

    Instant before = Instant.now().truncatedTo(java.time.temporal.ChronoUnit.MICROS);
    HttpResponse<String> claim = raw("POST", "/work/claims", enrolled.token(), "{}");
    Instant after = Instant.now();

    assertThat(claim.statusCode()).as(claim.body()).isEqualTo(200);
    await("the call's sign of life is written").atMost(Duration.ofSeconds(5))
        .until(() -> core.agents().get(id).lastHeartbeatAt().isAfter(longAgo));
    Agent agent = core.agents().get(id);
    assertThat(agent.status()).isEqualTo(AgentStatus.CONNECTED);
    assertThat(agent.lastHeartbeatAt()).as("the time of the call, not of the write").isBetween(before, after);
  }

  @Test
  void anUnhealthyAgentIsConnectedAgainBeforeItsCallIsServed() throws Exception {
    EnrolledAgent enrolled = enrol("sign-" + UUID.randomUUID());
    UUID id = enrolled.agent().id();
    core.db().inTransaction(() -> core.agents().changeStatus(core.agents().get(id), AgentStatus.UNHEALTHY));

    HttpResponse<String> claim = raw("POST", "/work/claims", enrolled.token(), "{}");

    assertThat(claim.statusCode()).as(claim.body()).isEqualTo(200);
    assertThat(core.agents().get(id).status()).as("connected when its answer came").isEqualTo(AgentStatus.CONNECTED);
  }
}
