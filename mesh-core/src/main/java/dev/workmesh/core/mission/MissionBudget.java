package dev.workmesh.core.mission;

import dev.workmesh.core.ValidationException.Violation;
import dev.workmesh.core.usage.AttemptUsage;
import java.math.BigDecimal;
import java.util.List;

/**
 * What a mission's attempts may spend: tokens (input plus output), a cost in US dollars, or both (null:
 * no limit of that kind). Once either is reached, the mission's remaining tasks are not claimed; attempts
 * already running may finish, so the spending can pass the budget by what they report.
 */
public record MissionBudget(Long tokens, BigDecimal costUsd) {

  public boolean limited() {
    return tokens != null || costUsd != null;
  }

  /** Adds a violation per bad value to {@code out}, named under {@code field} (e.g. {@code budget}). */
  public void check(String field, List<Violation> out) {
    if (tokens != null && (tokens < 0 || tokens > Long.MAX_VALUE / 2)) {
      out.add(new Violation(field + ".tokens", "must be null or an integer >= 0"));
    }
    if (costUsd != null && (costUsd.signum() < 0 || costUsd.compareTo(AttemptUsage.MAX_COST_USD) > 0)) {
      out.add(new Violation(field + ".cost_usd",
          "must be null or a number of US dollars from 0 to " + AttemptUsage.MAX_COST_USD.toPlainString()));
    }
  }
}
