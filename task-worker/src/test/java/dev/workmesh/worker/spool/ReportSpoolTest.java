package dev.workmesh.worker.spool;

import static org.assertj.core.api.Assertions.assertThat;

import dev.workmesh.client.MeshClient;
import dev.workmesh.client.model.CompleteRequest;
import dev.workmesh.client.model.FailRequest;
import dev.workmesh.worker.WorkerMetrics;
import dev.workmesh.worker.mesh.GuardedMeshClient;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.time.Duration;
import java.util.UUID;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class ReportSpoolTest {

  @TempDir Path dir;

  @Test
  void aSpooledReportSurvivesWholeAndPrivate() throws Exception {
    ReportSpool spool = new ReportSpool(dir.resolve("spool"));
    PendingReport complete = PendingReport.complete(UUID.randomUUID(), UUID.randomUUID(),
        new CompleteRequest("wm_claim_a", MeshClient.JSON.readTree("{\"answer\": 42}"), 0, "tail"));
    PendingReport fail = PendingReport.fail(UUID.randomUUID(), UUID.randomUUID(),
        new FailRequest("wm_claim_b", "exit 3", "failed", true, 3, "oops"));

    spool.put(complete);
    spool.put(fail);

    assertThat(spool.size()).isEqualTo(2);
    assertThat(spool.all()).containsExactly(complete, fail);
    Path file = dir.resolve("spool").resolve(complete.attemptId() + ".json");
    assertThat(Files.getPosixFilePermissions(file)).isEqualTo(PosixFilePermissions.fromString("rw-------"));
    assertThat(Files.getPosixFilePermissions(dir.resolve("spool"))).isEqualTo(PosixFilePermissions.fromString("rwx------"));
    spool.remove(complete.attemptId());
    assertThat(spool.all()).containsExactly(fail);
  }

  @Test
  void anUnreadableFileIsSetAsideNotResentForever() throws Exception {
    ReportSpool spool = new ReportSpool(dir);
    Files.writeString(dir.resolve(UUID.randomUUID() + ".json"), "{broken");
    assertThat(spool.all()).isEmpty();
    try (var files = Files.list(dir)) {
      assertThat(files.map(p -> p.getFileName().toString())).singleElement().satisfies(n -> assertThat(n).endsWith(".unreadable"));
    }
  }

  @Test
  void aReportTheApiCannotTakeIsSpooledAndStaysUntilItCan() {
    ReportSpool spool = new ReportSpool(dir);
    SimpleMeterRegistry registry = new SimpleMeterRegistry();
    GuardedMeshClient unreachable = new GuardedMeshClient(new MeshClient("http://127.0.0.1:1", "t", Duration.ofSeconds(2)), registry,
        e -> { throw new AssertionError("no 401 expected"); });
    WorkerMetrics metrics = new WorkerMetrics(registry);
    ReportSender sender = new ReportSender(unreachable, spool, metrics);
    PendingReport report = PendingReport.fail(UUID.randomUUID(), UUID.randomUUID(),
        new FailRequest("wm_claim_c", "boom", "failed", true, 1, null));

    assertThat(sender.send(report)).isEqualTo(ReportSender.Delivery.SPOOLED);
    assertThat(sender.resendSpooled()).isZero();
    assertThat(spool.all()).containsExactly(report);
    assertThat(metrics.reportCount("fail", "spooled")).isEqualTo(1);
  }
}
