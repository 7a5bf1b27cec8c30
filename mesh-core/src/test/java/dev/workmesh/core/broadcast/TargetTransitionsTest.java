package dev.workmesh.core.broadcast;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.UUID;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

class TargetTransitionsTest {

  @Test
  void onlyATargetWhoseAgentHoldsAnAttemptCanGoBackToReady() {
    assertThat(TargetTransitions.fromSql(TargetStatus.READY)).isEqualTo("('claimed', 'running')");
  }

  @Test
  void anOpenTargetCanBeClaimedCancelledOrFailedButNotSucceed() {
    for (TargetStatus open : new TargetStatus[] {TargetStatus.READY, TargetStatus.PENDING}) {
      assertThat(TargetTransitions.allowed(open, TargetStatus.CLAIMED)).isTrue();
      assertThat(TargetTransitions.allowed(open, TargetStatus.CANCELLED)).isTrue();
      assertThat(TargetTransitions.allowed(open, TargetStatus.FAILED)).isTrue();
      assertThat(TargetTransitions.allowed(open, TargetStatus.SUCCEEDED)).isFalse();
    }
  }

  @ParameterizedTest
  @EnumSource(value = TargetStatus.class, names = {"SUCCEEDED", "FAILED", "CANCELLED"})
  void anEndedTargetIsFinal(TargetStatus ended) {
    for (TargetStatus to : TargetStatus.values()) {
      assertThat(TargetTransitions.allowed(ended, to)).as(ended + " -> " + to).isFalse();
    }
    UUID task = UUID.randomUUID();
    UUID agent = UUID.randomUUID();
    assertThatThrownBy(() -> TargetTransitions.check(task, agent, ended, TargetStatus.READY))
        .isInstanceOf(IllegalTargetTransitionException.class)
        .hasMessageContaining(task.toString()).hasMessageContaining(ended.wire() + " to ready");
  }

  @ParameterizedTest
  @EnumSource(TargetStatus.class)
  void everyStatusReadsBackFromItsWireName(TargetStatus status) {
    assertThat(TargetStatus.fromWire(status.wire())).isEqualTo(status);
  }
}
