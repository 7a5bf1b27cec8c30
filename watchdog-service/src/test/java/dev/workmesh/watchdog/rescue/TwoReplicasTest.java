package dev.workmesh.watchdog.rescue;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import dev.workmesh.core.agent.Agent;
import dev.workmesh.core.leader.MaintenanceLoop;
import dev.workmesh.core.task.NewTask;
import dev.workmesh.testsupport.MeshIntegrationTest;
import dev.workmesh.testsupport.TestDatabase;
import dev.workmesh.watchdog.WatchdogHarness;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import java.time.Duration;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Test;

/**
 * Two watchdog replicas (two loops on one database): one leads at a time, leadership survives the clock
 * jumping past the lease term, and no attempt is ever rescued twice.
 */
@MeshIntegrationTest
class TwoReplicasTest {

  private static final int DEAD_CLAIMS = 120;

  @Test
  void twoReplicasNeverBothLeadAndNeverRescueTheSameAttemptTwice(TestDatabase database) throws Exception {
    try (WatchdogHarness mesh = new WatchdogHarness(database)) {
      SimpleMeterRegistry metersA = new SimpleMeterRegistry();
      SimpleMeterRegistry metersB = new SimpleMeterRegistry();
      Agent dead = mesh.agent();
      for (int i = 0; i < DEAD_CLAIMS; i++) {
        mesh.core.claims().claimTask(dead.id(), mesh.submit(NewTask.of("job " + i, ""))).orElseThrow();
      }

      try (MaintenanceLoop a = mesh.replica("replica-a", metersA);
          MaintenanceLoop b = mesh.replica("replica-b", metersB)) {
        AtomicBoolean watching = new AtomicBoolean(true);
        AtomicInteger bothLed = new AtomicInteger();
        AtomicInteger samples = new AtomicInteger();
        Thread observer = Thread.ofPlatform().daemon().start(() -> {
          while (watching.get()) {
            if (a.isLeader() && b.isLeader()) {
              bothLed.incrementAndGet();
            }
            samples.incrementAndGet();
            Thread.onSpinWait();
          }
        });
        a.start();
        b.start();
        await().atMost(Duration.ofSeconds(10)).until(() -> a.isLeader() || b.isLeader());

        // Past every lease (claims and leadership alike), several times: leadership may change hands.
        for (int jump = 0; jump < 6; jump++) {
          mesh.clock.advance(Duration.ofSeconds(20));
          await().atMost(Duration.ofSeconds(10)).until(() -> a.isLeader() || b.isLeader());
        }
        await("every dead claim rescued").atMost(Duration.ofSeconds(20)).until(() -> lost(mesh) == DEAD_CLAIMS);
        watching.set(false);
        observer.join();

        assertThat(samples.get()).isGreaterThan(1000);
        assertThat(bothLed.get()).as("samples in which both replicas acted as leader").isZero();
      }

      assertThat(lost(mesh)).isEqualTo(DEAD_CLAIMS);
      Long lostEvents = mesh.core.db().jdbc()
          .sql("SELECT count(*) FROM outbox WHERE payload->>'type' = 'attempt.lost'").query(Long.class).single();
      Long distinctLost = mesh.core.db().jdbc()
          .sql("SELECT count(DISTINCT payload->>'attempt_id') FROM outbox WHERE payload->>'type' = 'attempt.lost'")
          .query(Long.class).single();
      assertThat(lostEvents).as("one attempt.lost event per attempt").isEqualTo(distinctLost).isEqualTo(DEAD_CLAIMS);
      double rescued = rescues(metersA) + rescues(metersB);
      assertThat(rescued).as("rescues counted across both replicas").isEqualTo(DEAD_CLAIMS);
      Long agentEvents = mesh.core.db().jdbc()
          .sql("SELECT count(*) FROM outbox WHERE message_key = :k AND payload->>'type' = 'agent.status_changed'")
          .param("k", dead.id().toString()).query(Long.class).single();
      assertThat(agentEvents).as("connected -> unhealthy -> disconnected, once each").isEqualTo(2);
    }
  }

  private static long lost(WatchdogHarness mesh) {
    return mesh.core.db().jdbc().sql("SELECT count(*) FROM attempt WHERE outcome = 'lost'").query(Long.class).single();
  }

  private static double rescues(SimpleMeterRegistry meters) {
    return meters.get(LeaseRescueJob.RESCUES).counters().stream().mapToDouble(c -> c.count()).sum();
  }
}
