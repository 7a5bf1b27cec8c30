package dev.workmesh.devstack.cli;

import static org.assertj.core.api.Assertions.assertThat;

import dev.workmesh.client.model.Budget;
import dev.workmesh.client.model.MissionView;
import dev.workmesh.client.model.Spending;
import dev.workmesh.client.model.Usage;
import java.math.BigDecimal;
import java.time.Instant;
import java.util.UUID;
import org.junit.jupiter.api.Test;

/** What ./mesh task and ./mesh mission print about usage and budgets. */
class UsageTextTest {

  private static MissionView mission(Budget budget, boolean exhausted) {
    return new MissionView(UUID.randomUUID(), "m", "", Instant.now(), null, budget,
        new Spending(1200, 300, 1500, new BigDecimal("0.0123")), exhausted);
  }

  @Test
  void anAttemptShowsItsModelTokensAndCost() {
    assertThat(UsageText.usage(new Usage("claude-sonnet-4-5", 1200, 300, new BigDecimal("0.012345"))))
        .isEqualTo("claude-sonnet-4-5, 1200 in + 300 out tokens, $0.0123");
    assertThat(UsageText.usage(new Usage(null, 5, 0, null))).isEqualTo("model not reported, 5 in + 0 out tokens");
    assertThat(UsageText.spending(new Spending(1200, 300, 1500, new BigDecimal("2.50"))))
        .isEqualTo("1500 tokens (1200 in + 300 out), $2.5");
  }

  @Test
  void aMissionSaysItsBudgetAndWhenItIsSpent() {
    assertThat(UsageText.budget(mission(null, false))).isEqualTo("no budget");
    assertThat(UsageText.budget(mission(new Budget(1000L, new BigDecimal("5")), false)))
        .isEqualTo("budget 1000 tokens or $5");
    assertThat(UsageText.budget(mission(new Budget(1000L, null), true)))
        .isEqualTo("budget 1000 tokens: EXHAUSTED, its remaining tasks are not claimed");
  }
}
