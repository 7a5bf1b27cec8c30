package dev.workmesh.worker.dispatch;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

/** A share consumer that keeps breaking is replaced later and later, up to 30s; one that served a while, soon. */
class ReplacementBackoffTest {

  @Test
  void replacementsThatBreakAtOnceWaitLongerUpToThirtySeconds() {
    ReplacementBackoff backoff = new ReplacementBackoff();

    List<Duration> waits = new ArrayList<>();
    for (int i = 0; i < 8; i++) {
      waits.add(backoff.afterBreak(Duration.ofMillis(200)));
    }

    assertThat(waits).containsExactly(Duration.ofSeconds(1), Duration.ofSeconds(2), Duration.ofSeconds(4), Duration.ofSeconds(8),
        Duration.ofSeconds(16), Duration.ofSeconds(30), Duration.ofSeconds(30), Duration.ofSeconds(30));
  }

  @Test
  void oneThatServedLongerThanTheCapIsReplacedAfterOneSecondAgain() {
    ReplacementBackoff backoff = new ReplacementBackoff();
    backoff.afterBreak(Duration.ZERO);
    backoff.afterBreak(Duration.ZERO);
    assertThat(backoff.afterBreak(Duration.ZERO)).isEqualTo(Duration.ofSeconds(4));

    assertThat(backoff.afterBreak(Duration.ofSeconds(31))).isEqualTo(Duration.ofSeconds(1));
    assertThat(backoff.afterBreak(Duration.ofSeconds(1))).isEqualTo(Duration.ofSeconds(2));
  }
}
