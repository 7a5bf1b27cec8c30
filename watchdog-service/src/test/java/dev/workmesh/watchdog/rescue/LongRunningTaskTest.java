package dev.workmesh.watchdog.rescue;

import static org.assertj.core.api.Assertions.assertThat;

import dev.workmesh.core.loop.LoopMetrics;
import dev.workmesh.core.agent.Agent;
import dev.workmesh.core.agent.AgentStatus;
import dev.workmesh.core.claim.Claim;
import dev.workmesh.core.leader.MaintenanceLoop;
import dev.workmesh.core.task.NewTask;
import dev.workmesh.core.task.TaskStatus;
import dev.workmesh.testsupport.MeshIntegrationTest;
import dev.workmesh.testsupport.TestDatabase;
import dev.workmesh.watchdog.WatchdogHarness;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import java.time.Duration;
import java.util.UUID;
import org.junit.jupiter.api.Test;

/** A healthy worker on a long task is never rescued or flagged, however long the task runs. */
@MeshIntegrationTest
class LongRunningTaskTest {

  @Test
  void aTaskWhoseWorkerKeepsHeartbeatingIsNeverRescuedInSixHours(TestDatabase database) {
    try (WatchdogHarness mesh = new WatchdogHarness(database)) {
      SimpleMeterRegistry meters = new SimpleMeterRegistry();
      try (MaintenanceLoop watchdog = mesh.replica("replica-a", meters)) {
        Agent worker = mesh.agent();
        UUID task = mesh.submit(NewTask.of("six-hour job", ""));
        Claim claim = mesh.core.claims().claimTask(worker.id(), task).orElseThrow();

        long beats = Duration.ofHours(6).dividedBy(WatchdogHarness.HEARTBEAT);
        for (long beat = 0; beat < beats; beat++) {
          // Time passes to just before the next heartbeat; the watchdog sweeps then, and again after it.
          mesh.clock.advance(WatchdogHarness.HEARTBEAT);
          assertThat(watchdog.tick()).isTrue();
          mesh.core.agents().heartbeat(worker.id());
          mesh.core.reports().heartbeat(task, claim.claimToken(), worker.id());
        }

        assertThat(mesh.core.tasks().get(task).status()).isEqualTo(TaskStatus.RUNNING);
        assertThat(mesh.core.tasks().attempts(task)).singleElement().satisfies(a -> assertThat(a.live()).isTrue());
        assertThat(mesh.core.agents().get(worker.id()).status()).isEqualTo(AgentStatus.CONNECTED);
        assertThat(mesh.agentEvents(worker.id())).as("never flagged").hasSize(1);
        assertThat(meters.get(LeaseRescueJob.RESCUES).counters()).allSatisfy(c -> assertThat(c.count()).isZero());
        assertThat(meters.get(LoopMetrics.RUNS).tag("step", "lease-rescue").tag("outcome", "ok")
            .counter().count()).isEqualTo(beats);
      }
    }
  }
}
