package dev.workmesh.api;

import static org.assertj.core.api.Assertions.assertThat;

import dev.workmesh.client.MeshClient;
import dev.workmesh.client.model.AgentRequest;
import dev.workmesh.client.model.ClaimRequest;
import dev.workmesh.client.model.ClaimView;
import dev.workmesh.client.model.ClaimsResponse;
import dev.workmesh.client.model.EnrolledAgent;
import dev.workmesh.client.model.MissionView;
import dev.workmesh.client.model.TaskRequest;
import dev.workmesh.client.model.TaskView;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import org.junit.jupiter.api.Test;

/**
 * Work and agents that do not meet say why: an empty claim names the claimer's reason, a ready task no
 * connected agent can take names the requirement nobody meets, runtimes are matched by the claim itself,
 * and a release is recorded on its attempt without spending one.
 */
class ClaimReasonsTest extends ApiTestBase {

  private static String pool() {
    return "why-" + UUID.randomUUID().toString().substring(0, 8);
  }

  private EnrolledAgent enrol(String pool, List<String> capabilities, List<String> runtimes) {
    return operator().enrol(new AgentRequest("agent-" + UUID.randomUUID(), List.of(pool), capabilities, runtimes, 5,
        Map.of()));
  }

  private TaskView submit(MissionView mission, String pool, List<String> capabilities, String runtime) {
    return operator().submit(mission.id(), new TaskRequest("work", "write a poem", null, null, pool,
        capabilities.isEmpty() ? null : capabilities, null, runtime,
        "bash".equals(runtime) ? MeshClient.JSON.createObjectNode().put("command", "true") : null, 1, null, null, null,
        null, null)).task();
  }

  @Test
  void anEmptyClaimSaysTheAgentsPoolsHaveNoReadyWork() {
    String pool = pool();
    MeshClient me = as(enrol(pool, List.of(), List.of()).token());

    ClaimsResponse answer = me.claims(new ClaimRequest(null, null, 1, 0));

    assertThat(answer.claims()).isEmpty();
    assertThat(answer.reason().code()).isEqualTo("no_ready_work");
    assertThat(answer.reason().pools()).containsExactly(pool);
    assertThat(answer.reason().message()).contains(pool);
  }

  @Test
  void anEmptyClaimCountsReadyTasksThatNeedCapabilitiesOrARuntimeTheAgentLacks() {
    String pool = pool();
    MissionView mission = newMission();
    submit(mission, pool, List.of("gpu"), null);
    submit(mission, pool, List.of(), null); // a prompt: only an agent CLI runs it
    MeshClient bashOnly = as(enrol(pool, List.of(), List.of("bash", "exec", "fake")).token());

    ClaimsResponse answer = bashOnly.claims(new ClaimRequest(null, null, 1, 0));

    assertThat(answer.claims()).isEmpty();
    assertThat(answer.reason().code()).isEqualTo("ineligible");
    assertThat(answer.reason().readyInPools()).isEqualTo(2);
    assertThat(answer.reason().needCapabilities()).isEqualTo(1);
    assertThat(answer.reason().missingCapabilities()).containsExactly("gpu");
    assertThat(answer.reason().needRuntime()).isEqualTo(2);
    assertThat(answer.reason().missingRuntimes()).contains("claude_code", "codex", "gemini", "goose");
  }

  @Test
  void aPromptTaskGoesToAnAgentCliOrAModelNeverToABashOnlyWorker() {
    String pool = pool();
    MissionView mission = newMission();
    TaskView prompt = submit(mission, pool, List.of(), null);
    MeshClient bashOnly = as(enrol(pool, List.of(), List.of("bash", "exec", "fake")).token());
    MeshClient codex = as(enrol(pool, List.of(), List.of("bash", "codex")).token());
    MeshClient model = as(enrol(pool, List.of(), List.of()).token());

    assertThat(bashOnly.claim(new ClaimRequest(null, mission.id(), 1, 0))).isEmpty();
    assertThat(codex.claim(new ClaimRequest(null, mission.id(), 1, 0))).singleElement()
        .satisfies(c -> assertThat(c.task().id()).isEqualTo(prompt.id()));

    TaskView second = submit(mission, pool, List.of(), null);
    assertThat(bashOnly.claim(new ClaimRequest(null, mission.id(), 1, 0))).isEmpty();
    assertThat(model.claim(new ClaimRequest(null, mission.id(), 1, 0))).singleElement()
        .satisfies(c -> assertThat(c.task().id()).isEqualTo(second.id()));
  }

  @Test
  void aReadyTaskNoConnectedAgentCanTakeNamesTheRequirementNobodyMeets() {
    String pool = pool();
    MissionView mission = newMission();
    TaskView nobodyInPool = operator().task(submit(mission, pool, List.of(), null).id());
    assertThat(nobodyInPool.status()).isEqualTo("ready");
    assertThat(nobodyInPool.waitingReason().requirement()).isEqualTo("pool");
    assertThat(nobodyInPool.waitingReason().message()).contains(pool);

    enrol(pool, List.of("git"), List.of("bash"));
    TaskView misspelled = submit(mission, pool, List.of(), "bsh");
    assertThat(misspelled.waitingReason()).as("the submission answers it at once").isNotNull();
    assertThat(operator().task(misspelled.id()).waitingReason().requirement()).isEqualTo("runtime");
    assertThat(operator().task(misspelled.id()).waitingReason().message()).contains("'bsh'");
    TaskView needsGpu = submit(mission, pool, List.of("gpu"), "bash");
    assertThat(operator().task(needsGpu.id()).waitingReason().requirement()).isEqualTo("capabilities");

    TaskView runnable = submit(mission, pool, List.of("git"), "bash");
    assertThat(operator().task(runnable.id()).waitingReason()).isNull();
  }

  @Test
  void aReleaseIsRecordedOnItsAttemptWithItsReasonAndSpendsNoAttempt() {
    String pool = pool();
    MissionView mission = newMission();
    TaskView task = submit(mission, pool, List.of(), null);
    MeshClient me = as(enrol(pool, List.of(), List.of()).token());

    for (int i = 0; i < 3; i++) {
      ClaimView claim = me.claim(new ClaimRequest(null, mission.id(), 1, 0)).getFirst();
      assertThat(claim.attemptNumber()).isEqualTo(1);
      TaskView released = me.release(task.id(), claim.claimToken(), "cannot work on it now");
      assertThat(released.status()).isEqualTo("ready");
      assertThat(released.attempt()).isZero();
    }

    assertThat(operator().task(task.id()).attempts()).hasSize(3).allSatisfy(a -> {
      assertThat(a.outcome()).isEqualTo("released");
      assertThat(a.error()).isEqualTo("released: cannot work on it now");
    });
  }
}
