package dev.workmesh.scheduler.maintenance;

import static dev.workmesh.scheduler.SchedulerHarness.job;
import static org.assertj.core.api.Assertions.assertThat;

import dev.workmesh.scheduler.SchedulerHarness;
import dev.workmesh.scheduler.SchedulerHarness.Replica;
import dev.workmesh.scheduler.fire.FireRecord;
import dev.workmesh.scheduler.fire.FireTrigger;
import dev.workmesh.testsupport.MeshIntegrationTest;
import dev.workmesh.testsupport.TestDatabase;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Old fire records go; the one each job's schedule is anchored on stays, so nothing fires twice. */
@MeshIntegrationTest
class FireRecordGcTest {

  private static final Duration RETENTION = Duration.ofDays(30);

  @TempDir Path dir;
  private SchedulerHarness mesh;

  @BeforeEach
  void start(TestDatabase database) {
    mesh = new SchedulerHarness(database, dir.resolve("cron.toml"), Instant.parse("2029-12-31T23:59:00Z"));
  }

  @AfterEach
  void stop() {
    mesh.close();
  }

  @Test
  void gcDeletesExpiredRecordsButNeverTheLatestScheduledFireOfAJob() {
    mesh.writeJobs(job("yearly", "schedule = \"0 0 1 1 *\"", "misfire = \"fire_once\""));
    Replica replica = mesh.replica("a");
    mesh.clock.set(Instant.parse("2030-01-01T00:00:00.5Z"));
    assertThat(replica.ticker.tick()).isEqualTo(1);
    mesh.clock.set(Instant.parse("2030-01-01T00:10:00Z"));
    replica.firer.fireNow(replica.job("yearly"));
    replica.firer.fireNow(replica.job("yearly"));

    mesh.clock.set(Instant.parse("2030-02-10T00:00:00Z")); // 40 days later
    FireRecordCleaner cleaner = new FireRecordCleaner(mesh.ledger, mesh.clock, RETENTION, Duration.ofHours(1), 1);
    assertThat(cleaner.purgeBefore(cleaner.cutoff())).as("both manual fires, one per batch").isEqualTo(2);

    assertThat(mesh.fires("yearly")).extracting(FireRecord::trigger).containsExactly(FireTrigger.SCHEDULE);
    assertThat(mesh.replica("restarted").ticker.tick())
        .as("the kept record still says 2030-01-01 fired: no second fire under fire_once").isZero();
    assertThat(mesh.tasksOf("yearly")).isEqualTo(3);
  }

  @Test
  void theLeadersGcRunsAtMostOncePerInterval() {
    mesh.writeJobs(job("hourly-gc", "schedule = \"0 * * * *\"", ""));
    Replica replica = mesh.replica("a");
    for (String at : new String[] {"2030-01-01T00:00:00.5Z", "2030-01-01T01:00:00.5Z", "2030-01-01T02:00:00.5Z"}) {
      mesh.clock.set(Instant.parse(at));
      replica.ticker.tick();
    }
    FireRecordCleaner cleaner = new FireRecordCleaner(mesh.ledger, mesh.clock, RETENTION, Duration.ofHours(1), 100);

    mesh.clock.set(Instant.parse("2030-01-31T00:30:00Z")); // 00:00 has expired, 01:00 and 02:00 not yet
    assertThat(cleaner.runOnce()).isEqualTo(1);
    mesh.clock.advance(Duration.ofMinutes(45)); // 01:00 has expired now, but the last run was 45 minutes ago
    assertThat(cleaner.runOnce()).isZero();
    mesh.clock.advance(Duration.ofMinutes(15));
    assertThat(cleaner.runOnce()).isEqualTo(1);
    assertThat(mesh.fires("hourly-gc")).extracting(FireRecord::scheduledAt)
        .containsExactly(Instant.parse("2030-01-01T02:00:00Z"));
  }
}
