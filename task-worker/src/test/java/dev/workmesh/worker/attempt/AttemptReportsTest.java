package dev.workmesh.worker.attempt;

import static org.assertj.core.api.Assertions.assertThat;

import dev.workmesh.client.MeshClient;
import dev.workmesh.client.model.ClaimView;
import dev.workmesh.client.model.TaskRequest;
import dev.workmesh.client.model.TaskView;
import dev.workmesh.client.model.Usage;
import dev.workmesh.worker.spool.PendingReport;
import dev.workmesh.worker.subagent.AttemptOutcome;
import dev.workmesh.worker.subagent.SubagentOutcome;
import dev.workmesh.worker.subagent.SubagentUsage;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.UUID;
import org.junit.jupiter.api.Test;

class AttemptReportsTest {

  static ClaimView claim() {
    TaskRequest request = new TaskRequest("t", "", "first_claim", null, "default", List.of(), 0, "bash", null, 3,
        null, null, List.of(), null, null);
    TaskView task = new TaskView(UUID.randomUUID(), UUID.randomUUID(), request, "claimed", 1, false, null, null,
        "operator", Instant.now(), Instant.now(), null, Instant.now(), null);
    return new ClaimView(task, UUID.randomUUID(), 1, "wm_claim_x", Instant.now().plusSeconds(30));
  }

  static SubagentOutcome outcome(AttemptOutcome kind, int exit, String result) {
    return new SubagentOutcome(kind, exit, result, "tail", Duration.ofSeconds(1), kind == AttemptOutcome.SUCCEEDED ? null : "why");
  }

  @Test
  void aJsonObjectOrArrayIsSentAsJsonAnythingElseAsAString() {
    assertThat(AttemptReports.resultJson("  {\"answer\": 42}\n").get("answer").asInt()).isEqualTo(42);
    assertThat(AttemptReports.resultJson("[1, 2]").isArray()).isTrue();
    assertThat(AttemptReports.resultJson("42\n").isString()).isTrue();
    assertThat(AttemptReports.resultJson("42\n").asString()).isEqualTo("42\n");
    assertThat(AttemptReports.resultJson("{not json").asString()).isEqualTo("{not json");
    assertThat(AttemptReports.resultJson("").asString()).isEmpty();
    assertThat(MeshClient.JSON.writeValueAsString(AttemptReports.resultJson("true"))).isEqualTo("\"true\"");
  }

  @Test
  void eachOutcomeBecomesItsReport() {
    ClaimView claim = claim();
    PendingReport ok = AttemptReports.of(claim, outcome(AttemptOutcome.SUCCEEDED, 0, "done"));
    assertThat(ok.kind()).isEqualTo("complete");
    assertThat(ok.complete().claimToken()).isEqualTo("wm_claim_x");
    assertThat(ok.complete().logTail()).isEqualTo("tail");

    PendingReport failed = AttemptReports.of(claim, outcome(AttemptOutcome.FAILED, 2, ""));
    assertThat(failed.fail().outcome()).isEqualTo("failed");
    assertThat(failed.fail().retryable()).isTrue();
    assertThat(failed.fail().exitCode()).isEqualTo(2);

    assertThat(AttemptReports.of(claim, outcome(AttemptOutcome.TIMED_OUT, 137, "")).fail().outcome()).isEqualTo("timed_out");
    PendingReport cancelled = AttemptReports.of(claim, outcome(AttemptOutcome.CANCELLED, 143, ""));
    assertThat(cancelled.fail().outcome()).isEqualTo("cancelled");
    assertThat(cancelled.fail().retryable()).isFalse();

    PendingReport launch = AttemptReports.launchFailed(claim, "no binary");
    assertThat(launch.fail().retryable()).isFalse();
    assertThat(launch.fail().error()).isEqualTo("no binary");
  }

  @Test
  void theUsageTheCliReportedTravelsWithEitherReport() {
    ClaimView claim = claim();
    SubagentUsage spent = new SubagentUsage("model-x", 1200, 300, new java.math.BigDecimal("0.0123"));
    Usage expected = new Usage("model-x", 1200, 300, new java.math.BigDecimal("0.0123"));
    PendingReport ok = AttemptReports.of(claim, new SubagentOutcome(AttemptOutcome.SUCCEEDED, 0, "done", "tail",
        Duration.ofSeconds(1), null, spent, true));
    assertThat(ok.complete().usage()).isEqualTo(expected);
    PendingReport failed = AttemptReports.of(claim, new SubagentOutcome(AttemptOutcome.FAILED, 1, "", "tail",
        Duration.ofSeconds(1), "boom", spent, true));
    assertThat(failed.fail().usage()).isEqualTo(expected);
    assertThat(AttemptReports.of(claim, outcome(AttemptOutcome.SUCCEEDED, 0, "done")).complete().usage()).isNull();
  }
}
