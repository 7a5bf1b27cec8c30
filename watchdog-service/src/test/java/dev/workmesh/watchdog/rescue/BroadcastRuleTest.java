package dev.workmesh.watchdog.rescue;

import static org.assertj.core.api.Assertions.assertThat;

import dev.workmesh.core.agent.Agent;
import dev.workmesh.core.agent.AgentStatus;
import dev.workmesh.core.claim.AttemptReports.Completion;
import dev.workmesh.core.claim.Claim;
import dev.workmesh.core.leader.MaintenanceLoop;
import dev.workmesh.core.task.AttemptOutcome;
import dev.workmesh.core.task.ClaimPolicy;
import dev.workmesh.core.task.MeshTask;
import dev.workmesh.core.task.NewTask;
import dev.workmesh.core.task.TaskStatus;
import dev.workmesh.testsupport.MeshIntegrationTest;
import dev.workmesh.testsupport.TestDatabase;
import dev.workmesh.watchdog.WatchdogHarness;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;

/**
 * The broadcast rule: a target whose agent disconnects for good, or is revoked, does not keep its broadcast
 * task open — whether it never claimed or its claim was rescued — and the task fails once, as when a target
 * fails for good. Healthy broadcasts are left alone.
 */
@MeshIntegrationTest
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class BroadcastRuleTest {

  private WatchdogHarness mesh;
  private SimpleMeterRegistry meters;
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
    meters = new SimpleMeterRegistry();
    watchdog = mesh.replica("replica-a", meters);
  }

  @AfterEach
  void closeReplica() {
    watchdog.close();
  }

  /** A broadcast task to the connected agents of a fresh pool. */
  private UUID broadcast(String pool) {
    return mesh.submit(NewTask.builder("broadcast to " + pool).claimPolicy(ClaimPolicy.BROADCAST).pool(pool).build());
  }

  private Map<String, Object> target(UUID task, Agent agent) {
    return mesh.core.db().jdbc()
        .sql("SELECT status, error, attempts FROM broadcast_target WHERE task_id = :t AND agent_id = :a")
        .param("t", task).param("a", agent.id()).query().singleRow();
  }

  /** Lets {@code seconds} pass in heartbeat steps while {@code alive} keeps beating (agent and claim); sweeps each step. */
  private void passWhileBeating(Duration total, Agent alive, UUID task, Claim claim) {
    for (Duration passed = Duration.ZERO; passed.compareTo(total) < 0; passed = passed.plus(WatchdogHarness.HEARTBEAT)) {
      mesh.clock.advance(WatchdogHarness.HEARTBEAT);
      mesh.core.agents().heartbeat(alive.id());
      if (claim != null && !mesh.core.tasks().get(task).status().isTerminal()) {
        mesh.core.reports().heartbeat(task, claim.claimToken(), alive.id());
      }
      assertThat(watchdog.tick()).isTrue();
    }
  }

  private long taskEvents(UUID task, String type) {
    return mesh.taskEventTypes(task).stream().filter(type::equals).count();
  }

  @Test
  void aTargetThatDisconnectsBeforeClaimingFailsTheBroadcastOnce() {
    String pool = "p-" + UUID.randomUUID();
    Agent silent = mesh.agent(List.of(pool));
    Agent working = mesh.agent(List.of(pool));
    UUID task = broadcast(pool);
    Claim claim = mesh.core.claims().claimTask(working.id(), task).orElseThrow();

    passWhileBeating(WatchdogHarness.STALE.plusSeconds(10), working, task, claim);
    assertThat(mesh.core.agents().get(silent.id()).status()).isEqualTo(AgentStatus.UNHEALTHY);
    assertThat(mesh.core.tasks().get(task).status()).as("unhealthy is not gone: the target waits")
        .isEqualTo(TaskStatus.RUNNING);
    assertThat(target(task, silent)).containsEntry("status", "ready");

    passWhileBeating(WatchdogHarness.DISCONNECT, working, task, claim);
    assertThat(mesh.core.agents().get(silent.id()).status()).isEqualTo(AgentStatus.DISCONNECTED);
    assertThat(target(task, silent)).containsEntry("status", "failed")
        .containsEntry("error", BroadcastTargetSweep.REASON).containsEntry("attempts", 0);
    MeshTask failed = mesh.core.tasks().get(task);
    assertThat(failed.status()).isEqualTo(TaskStatus.FAILED);
    assertThat(failed.error()).contains(silent.id().toString()).contains(BroadcastTargetSweep.REASON);
    assertThat(taskEvents(task, "task.failed")).isEqualTo(1);
    assertThat(mesh.core.reports().heartbeat(task, claim.claimToken(), working.id()).cancelRequested())
        .as("the target still working is asked to stop").isTrue();
    assertThat(meters.get(BroadcastTargetSweep.ABANDONED).counter().count()).isEqualTo(1.0);

    passWhileBeating(WatchdogHarness.DISCONNECT, working, task, claim);
    assertThat(taskEvents(task, "task.failed")).as("later sweeps change nothing").isEqualTo(1);
    assertThat(meters.get(BroadcastTargetSweep.ABANDONED).counter().count()).isEqualTo(1.0);
  }

  @Test
  void aTargetWhoseClaimWasRescuedDoesNotWaitForItsRetriesOnceItsAgentIsGone() {
    String pool = "p-" + UUID.randomUUID();
    Agent killed = mesh.agent(List.of(pool));
    Agent healthy = mesh.agent(List.of(pool));
    UUID task = broadcast(pool);
    Claim lost = mesh.core.claims().claimTask(killed.id(), task).orElseThrow();
    Claim done = mesh.core.claims().claimTask(healthy.id(), task).orElseThrow();
    mesh.core.reports().complete(task, done.claimToken(), healthy.id(), new Completion(null, 0, "ok"));

    passWhileBeating(WatchdogHarness.STALE.plusSeconds(10), healthy, task, null);
    assertThat(mesh.core.tasks().attempts(task)).filteredOn(a -> a.agentId().equals(killed.id())).singleElement()
        .satisfies(a -> assertThat(a.outcome()).isEqualTo(AttemptOutcome.LOST));
    assertThat(target(task, killed)).as("lapsed lease: retried, its agent may come back")
        .containsEntry("status", "ready").containsEntry("attempts", 1);
    assertThat(mesh.core.tasks().get(task).status()).isEqualTo(TaskStatus.RUNNING);

    passWhileBeating(WatchdogHarness.DISCONNECT, healthy, task, null);
    assertThat(target(task, killed)).containsEntry("status", "failed").containsEntry("error", BroadcastTargetSweep.REASON);
    assertThat(mesh.core.tasks().get(task).status()).isEqualTo(TaskStatus.FAILED);
    assertThat(taskEvents(task, "task.failed")).isEqualTo(1);
    assertThat(lost.attemptNumber()).isEqualTo(1);
  }

  @Test
  void aRevokedTargetFailsTheBroadcastAtTheNextSweep() {
    String pool = "p-" + UUID.randomUUID();
    Agent revoked = mesh.agent(List.of(pool));
    Agent other = mesh.agent(List.of(pool));
    UUID task = broadcast(pool);
    mesh.core.revokeAgent(revoked.id());
    assertThat(mesh.core.tasks().get(task).status()).isEqualTo(TaskStatus.READY);

    assertThat(watchdog.tick()).isTrue();
    assertThat(target(task, revoked)).containsEntry("status", "failed");
    assertThat(target(task, other)).as("the open target of the other agent is cancelled").containsEntry("status", "cancelled");
    assertThat(mesh.core.tasks().get(task).status()).isEqualTo(TaskStatus.FAILED);
    assertThat(taskEvents(task, "task.failed")).isEqualTo(1);
  }

  @Test
  void aBroadcastWhoseTargetsStayHealthyIsLeftAloneAndSucceeds() {
    String pool = "p-" + UUID.randomUUID();
    Agent first = mesh.agent(List.of(pool));
    Agent second = mesh.agent(List.of(pool));
    UUID task = broadcast(pool);
    Claim a = mesh.core.claims().claimTask(first.id(), task).orElseThrow();
    for (int beat = 0; beat < 30; beat++) {
      mesh.clock.advance(WatchdogHarness.HEARTBEAT);
      mesh.core.agents().heartbeat(first.id());
      mesh.core.agents().heartbeat(second.id()); // connected, but not claiming yet
      mesh.core.reports().heartbeat(task, a.claimToken(), first.id());
      assertThat(watchdog.tick()).isTrue();
    }
    Claim b = mesh.core.claims().claimTask(second.id(), task).orElseThrow();
    mesh.core.reports().complete(task, a.claimToken(), first.id(), new Completion(null, 0, "a"));
    mesh.core.reports().complete(task, b.claimToken(), second.id(), new Completion(null, 0, "b"));
    assertThat(watchdog.tick()).isTrue();
    assertThat(mesh.core.tasks().get(task).status()).isEqualTo(TaskStatus.SUCCEEDED);
    assertThat(meters.get(BroadcastTargetSweep.ABANDONED).counter().count()).isZero();
  }
}
