package dev.workmesh.worker.attempt;

import static org.assertj.core.api.Assertions.assertThat;

import dev.workmesh.worker.attempt.RunningAttempt.StopReason;
import dev.workmesh.worker.dispatch.Slots;
import org.junit.jupiter.api.Test;

class RunningAttemptTest {

  static RunningAttempt attempt() {
    return new RunningAttempt(AttemptReportsTest.claim(), new Slots(1).tryAcquire().orElseThrow(), "pooled", System.nanoTime());
  }

  /** A heartbeat in flight when the attempt reports may get 409 after the report landed (D9). */
  @Test
  void aConflictAfterTheAttemptEndedDoesNotStopItAsALostClaim() {
    RunningAttempt attempt = attempt();

    assertThat(attempt.end()).as("nothing stopped it").isNull();

    assertThat(attempt.stop(StopReason.CLAIM_LOST)).isFalse();
    assertThat(attempt.stop(StopReason.CANCEL_REQUESTED)).isFalse();
    assertThat(attempt.ended()).isTrue();
  }

  @Test
  void aClaimLostBeforeTheEndIsWhatTheEndReports() {
    RunningAttempt attempt = attempt();

    assertThat(attempt.stop(StopReason.CLAIM_LOST)).isTrue();
    assertThat(attempt.stop(StopReason.SHUTDOWN)).as("already stopped").isFalse();

    assertThat(attempt.end()).isEqualTo(StopReason.CLAIM_LOST);
  }
}
