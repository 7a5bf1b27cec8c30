package dev.workmesh.core;

import dev.workmesh.client.model.TaskRequest;
import static org.assertj.core.api.Assertions.assertThat;

import dev.workmesh.core.agent.Agent;
import dev.workmesh.core.claim.AttemptReports.Completion;
import dev.workmesh.core.claim.Claim;
import dev.workmesh.core.mission.Mission;
import dev.workmesh.core.task.ClaimPolicy;
import dev.workmesh.core.task.MeshTask;
import dev.workmesh.core.task.NewTask;
import dev.workmesh.core.task.TaskStatus;
import dev.workmesh.testsupport.MeshIntegrationTest;
import dev.workmesh.testsupport.TestDatabase;
import java.time.Duration;
import java.util.List;
import java.util.UUID;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;

/** Which task a claim picks, and who may claim it: invariant 7 and the claim policies. */
@MeshIntegrationTest
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class ClaimSelectionTest {

  private CoreHarness mesh;

  @BeforeAll
  void start(TestDatabase database) {
    mesh = new CoreHarness(database);
  }

  @AfterAll
  void stop() {
    mesh.close();
  }

  private UUID submit(Mission mission, TaskRequest task) {
    return mesh.core.submitter().submit(mission.id(), task, "operator").task().id();
  }

  @Test
  void aClaimTakesTheHighestPriorityFirstAndTheOldestAmongEquals() {
    Mission mission = mesh.mission();
    UUID low = submit(mission, NewTask.builder("low").priority(1).build());
    mesh.clock.advance(Duration.ofMillis(5));
    UUID highOld = submit(mission, NewTask.builder("high old").priority(9).build());
    mesh.clock.advance(Duration.ofMillis(5));
    UUID highNew = submit(mission, NewTask.builder("high new").priority(9).build());
    mesh.clock.advance(Duration.ofMillis(5));
    UUID mid = submit(mission, NewTask.builder("mid").priority(5).build());
    Agent agent = mesh.agent();

    List<UUID> order = List.of(
        claimOne(agent, mission), claimOne(agent, mission), claimOne(agent, mission), claimOne(agent, mission));

    assertThat(order).containsExactly(highOld, highNew, mid, low);
  }

  @Test
  void maxTasksClaimsABatchInPriorityOrder() {
    Mission mission = mesh.mission();
    UUID a = submit(mission, NewTask.builder("a").priority(3).build());
    UUID b = submit(mission, NewTask.builder("b").priority(2).build());
    submit(mission, NewTask.builder("c").priority(1).build());
    List<Claim> claims = mesh.core.claims().claimNext(mesh.agent().id(), mission.id(), 2);
    assertThat(claims).extracting(c -> c.task().id()).containsExactly(a, b);
    assertThat(claims).extracting(Claim::claimToken).doesNotHaveDuplicates().allMatch(t -> t.startsWith("wm_claim_"));
  }

  @Test
  void anAgentOnlyClaimsTasksOfItsPoolsWhoseCapabilitiesItHolds() {
    Mission mission = mesh.mission();
    UUID gpuTask = submit(mission, NewTask.builder("train").pool("gpu").requiredCapabilities(List.of("cuda", "git")).build());
    Agent cpuAgent = mesh.agent(List.of("default"), List.of("cuda", "git"));
    Agent gpuWithoutGit = mesh.agent(List.of("gpu"), List.of("cuda"));
    Agent gpuAgent = mesh.agent(List.of("gpu", "default"), List.of("git", "cuda", "docker"));

    assertThat(mesh.core.claims().claimNext(cpuAgent.id(), mission.id(), 5)).isEmpty();
    assertThat(mesh.core.claims().claimTask(gpuWithoutGit.id(), gpuTask)).isEmpty();
    assertThat(mesh.core.claims().claimNext(gpuAgent.id(), mission.id(), 5))
        .extracting(c -> c.task().id()).containsExactly(gpuTask);
  }

  @Test
  void aTaskWithARuntimeHintGoesOnlyToAgentsOfferingItOrToAgentsThatListNone() {
    Mission mission = mesh.mission();
    String pool = "rt-" + UUID.randomUUID().toString().substring(0, 8);
    UUID task = submit(mission, NewTask.builder("codex job").pool(pool).runtime("codex").build());
    Agent bashOnly = mesh.core.agents().enrol(new dev.workmesh.core.agent.NewAgent("bash-only", List.of(pool), null,
        List.of("bash"), 5, null)).agent();
    Agent model = mesh.core.agents().enrol(new dev.workmesh.core.agent.NewAgent("model", List.of(pool), null,
        List.of(), 5, null)).agent();
    assertThat(mesh.core.claims().claimNext(bashOnly.id(), mission.id(), 5)).isEmpty();
    assertThat(mesh.core.claims().claimNext(model.id(), mission.id(), 5))
        .extracting(c -> c.task().id()).containsExactly(task);
  }

  @Test
  void anAssignedTaskIsClaimedOnlyByItsAssignee() {
    Mission mission = mesh.mission();
    Agent assignee = mesh.agent(List.of("elsewhere"), List.of());
    Agent other = mesh.agent();
    UUID task = submit(mission, NewTask.builder("yours").claimPolicy(ClaimPolicy.ASSIGNED)
        .assignedAgent(assignee.id()).build());

    assertThat(mesh.core.claims().claimNext(other.id(), mission.id(), 5)).isEmpty();
    assertThat(mesh.core.claims().claimTask(other.id(), task)).isEmpty();
    assertThat(mesh.core.claims().claimTask(assignee.id(), task)).isPresent();
  }

  @Test
  void aBroadcastTaskGivesEachConnectedTargetOneAttemptAndSucceedsWhenAllDid() {
    Mission mission = mesh.mission();
    String pool = "bc-" + UUID.randomUUID().toString().substring(0, 8);
    Agent a = mesh.agent(List.of(pool), List.of());
    Agent b = mesh.agent(List.of(pool), List.of());
    Agent c = mesh.agent(List.of(pool), List.of());
    UUID task = submit(mission, NewTask.builder("everyone").claimPolicy(ClaimPolicy.BROADCAST).pool(pool).build());
    Agent late = mesh.agent(List.of(pool), List.of());

    for (Agent agent : List.of(a, b, c)) {
      Claim claim = mesh.core.claims().claimTask(agent.id(), task).orElseThrow();
      assertThat(mesh.core.claims().claimTask(agent.id(), task)).as("one live attempt per target").isEmpty();
      mesh.core.reports().complete(task, claim.claimToken(), agent.id(),
          new Completion(mesh.core.db().json().stringNode("done by " + agent.name()), 0, null));
    }
    assertThat(mesh.core.claims().claimTask(late.id(), task)).as("not a target: enrolled after ready").isEmpty();
    assertThat(mesh.core.claims().claimTask(a.id(), task)).as("a target that succeeded is done").isEmpty();

    MeshTask done = mesh.core.tasks().get(task);
    assertThat(done.status()).isEqualTo(TaskStatus.SUCCEEDED);
    assertThat(done.result().propertyNames()).containsExactlyInAnyOrder(
        a.id().toString(), b.id().toString(), c.id().toString());
    assertThat(done.result().get(b.id().toString()).asString()).isEqualTo("done by " + b.name());
    assertThat(mesh.core.tasks().attempts(task)).hasSize(3);
  }

  @Test
  void aBroadcastWithNoConnectedTargetFailsAndSaysWhy() {
    Mission mission = mesh.mission();
    MeshTask task = mesh.core.submitter().submit(mission.id(),
        NewTask.builder("nobody").claimPolicy(ClaimPolicy.BROADCAST).pool("empty-pool").build(), "operator").task();
    assertThat(task.status()).isEqualTo(TaskStatus.FAILED);
    assertThat(task.error()).contains("empty-pool");
  }

  @Test
  void anAgentNeverHoldsMoreClaimsThanItsMaxConcurrency() {
    Mission mission = mesh.mission();
    for (int i = 0; i < 5; i++) {
      submit(mission, NewTask.of("t" + i, ""));
    }
    Agent small = mesh.core.agents().enrol(new dev.workmesh.core.agent.NewAgent("small", null, null, null, 2, null)).agent();
    assertThat(mesh.core.claims().claimNext(small.id(), mission.id(), 5)).hasSize(2);
    assertThat(mesh.core.claims().claimNext(small.id(), mission.id(), 5)).isEmpty();
  }

  private UUID claimOne(Agent agent, Mission mission) {
    Claim claim = mesh.core.claims().claimNext(agent.id(), mission.id(), 1).getFirst();
    mesh.core.reports().complete(claim.task().id(), claim.claimToken(), agent.id(), new Completion(null, 0, null));
    return claim.task().id();
  }
}
