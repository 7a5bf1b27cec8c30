package dev.workmesh.worker.attempt;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.workmesh.core.DurationText;
import java.time.Duration;
import java.util.List;
import org.junit.jupiter.api.Test;

class TaskTimeoutsTest {

  @Test
  void readsEveryTimeoutTheApiWrites() {
    for (Duration d : List.of(Duration.ofSeconds(3), Duration.ofMinutes(30), Duration.ofHours(2).plusMinutes(30),
        Duration.ofDays(1).plusSeconds(1), Duration.ofDays(7), Duration.ofMillis(1500))) {
      assertThat(TaskTimeouts.parse(DurationText.format(d))).as(DurationText.format(d)).isEqualTo(d);
    }
  }

  @Test
  void noTimeoutIsNullAndNonsenseIsRefused() {
    assertThat(TaskTimeouts.parse(null)).isNull();
    assertThat(TaskTimeouts.parse(" ")).isNull();
    assertThat(TaskTimeouts.parse("PT2H")).isEqualTo(Duration.ofHours(2));
    assertThatThrownBy(() -> TaskTimeouts.parse("soon")).hasMessageContaining("'soon'");
    assertThatThrownBy(() -> TaskTimeouts.parse("0s")).hasMessageContaining("not positive");
  }
}
