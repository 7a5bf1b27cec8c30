package dev.workmesh.devstack.cli;

import dev.workmesh.client.model.Budget;
import dev.workmesh.client.model.MissionView;
import dev.workmesh.client.model.Spending;
import dev.workmesh.client.model.Usage;
import java.math.BigDecimal;
import java.math.RoundingMode;

/** How {@code ./mesh} prints usage, spending and budgets: one short line each. */
final class UsageText {

  private UsageText() {}

  /** e.g. {@code claude-sonnet-4-5, 1200 in + 300 out tokens, $0.0123}. */
  static String usage(Usage u) {
    return (u.model() == null ? "model not reported" : u.model()) + ", " + u.inputTokens() + " in + "
        + u.outputTokens() + " out tokens" + (u.costUsd() == null ? "" : ", " + dollars(u.costUsd()));
  }

  /** e.g. {@code 1500 tokens (1200 in + 300 out), $0.0123}. */
  static String spending(Spending s) {
    return s.tokens() + " tokens (" + s.inputTokens() + " in + " + s.outputTokens() + " out), "
        + dollars(s.costUsd());
  }

  /** The budget line of a mission: none, or its limits, what was spent and whether it is exhausted. */
  static String budget(MissionView m) {
    Budget b = m.budget();
    if (b == null) {
      return "no budget";
    }
    String limits = (b.tokens() == null ? "" : b.tokens() + " tokens")
        + (b.tokens() != null && b.costUsd() != null ? " or " : "")
        + (b.costUsd() == null ? "" : dollars(b.costUsd()));
    return "budget " + limits + (m.budgetExhausted() ? ": EXHAUSTED, its remaining tasks are not claimed" : "");
  }

  static String dollars(BigDecimal amount) {
    BigDecimal shown = amount.scale() > 4 ? amount.setScale(4, RoundingMode.HALF_UP) : amount;
    return "$" + shown.stripTrailingZeros().toPlainString();
  }
}
