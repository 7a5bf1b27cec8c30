package dev.workmesh.scheduler.fire;

import static dev.workmesh.scheduler.SchedulerHarness.job;
import static org.assertj.core.api.Assertions.assertThat;

import dev.workmesh.scheduler.SchedulerHarness;
import dev.workmesh.scheduler.SchedulerHarness.Replica;
import dev.workmesh.testsupport.MeshIntegrationTest;
import dev.workmesh.testsupport.TestDatabase;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The key guarantee: one fire per (job, instant) however many replicas tick at the same moment. */
@MeshIntegrationTest
class ExactlyOnceAcrossReplicasTest {

  private static final Instant T0 = Instant.parse("2030-01-07T06:29:00Z");
  private static final int ROUNDS = 15;

  @TempDir Path dir;
  private SchedulerHarness mesh;
  private ExecutorService threads;

  @BeforeEach
  void start(TestDatabase database) {
    mesh = new SchedulerHarness(database, dir.resolve("cron.toml"), T0);
    threads = Executors.newFixedThreadPool(3);
  }

  @AfterEach
  void stop() {
    threads.shutdownNow();
    mesh.close();
  }

  @Test
  void threeReplicasTickingTogetherFireEachInstantExactlyOnce() throws Exception {
    mesh.writeJobs(job("every-minute", "schedule = \"* * * * *\"", "")
        + job("every-30s", "interval = \"30s\"", "misfire = \"fire_once\"")
        + job("every-2m", "interval = \"2m\"", ""));
    List<Replica> replicas = List.of(mesh.replica("a"), mesh.replica("b"), mesh.replica("c"));

    int firedByReplicas = 0;
    for (int round = 0; round < ROUNDS; round++) {
      mesh.clock.advance(Duration.ofSeconds(30));
      firedByReplicas += tickTogether(replicas);
    }
    // From 06:29:00 to 06:36:30: minutes 06:30..06:36, half-minutes 06:29:30..06:36:30, even minutes 06:30..06:36.
    assertExactlyOnce("every-minute", 7);
    assertExactlyOnce("every-30s", 15);
    assertExactlyOnce("every-2m", 4);
    assertThat(firedByReplicas).isEqualTo(7 + 15 + 4);
  }

  @Test
  void aReplicaThatPlannedBeforeAnotherFiredStandsDown() {
    mesh.writeJobs(job("contended", "schedule = \"*/5 * * * *\"", "misfire = \"fire_once\""));
    Replica a = mesh.replica("a");
    Replica b = mesh.replica("b");
    mesh.clock.set(Instant.parse("2030-01-07T06:40:00.5Z"));

    FireResult won = a.firer.fire(a.job("contended"), Instant.parse("2030-01-07T06:40:00Z"), FireTrigger.SCHEDULE);
    FireResult same = b.firer.fire(b.job("contended"), Instant.parse("2030-01-07T06:40:00Z"), FireTrigger.SCHEDULE);
    FireResult older = b.firer.fire(b.job("contended"), Instant.parse("2030-01-07T06:35:00Z"), FireTrigger.SCHEDULE);

    assertThat(won.outcome()).isEqualTo(FireOutcome.SUBMITTED);
    assertThat(same.outcome()).isEqualTo(FireOutcome.ALREADY_FIRED);
    assertThat(older.outcome()).as("an instant the misfire policy collapsed into a later fire").isEqualTo(
        FireOutcome.ALREADY_FIRED);
    assertExactlyOnce("contended", 1);
    assertThat(mesh.meters.counter("scheduler.fires", "job", "contended", "trigger", "schedule", "outcome",
        "already_fired").count()).isEqualTo(2);
  }

  /** Three threads, one per replica, released at once, each ticking twice; returns the fires they made. */
  private int tickTogether(List<Replica> replicas) throws Exception {
    CountDownLatch go = new CountDownLatch(1);
    List<Future<Integer>> ticks = new ArrayList<>();
    for (Replica replica : replicas) {
      ticks.add(threads.submit(() -> {
        go.await();
        return replica.ticker.tick() + replica.ticker.tick();
      }));
    }
    go.countDown();
    int fired = 0;
    for (Future<Integer> tick : ticks) {
      fired += tick.get(30, TimeUnit.SECONDS);
    }
    return fired;
  }

  private void assertExactlyOnce(String job, int instants) {
    List<FireRecord> fires = mesh.fires(job);
    assertThat(fires).hasSize(instants);
    assertThat(fires).extracting(FireRecord::scheduledAt).doesNotHaveDuplicates();
    assertThat(fires).allSatisfy(f -> assertThat(f.taskId()).isNotNull());
    assertThat(mesh.tasksOf(job)).isEqualTo(instants);
  }
}
