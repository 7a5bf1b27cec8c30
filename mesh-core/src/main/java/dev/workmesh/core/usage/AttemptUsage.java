package dev.workmesh.core.usage;

import dev.workmesh.core.ValidationException.Violation;
import java.math.BigDecimal;
import java.util.List;

/**
 * What one attempt's agent consumed, as its CLI reported it with the report that ended the attempt.
 *
 * @param model the model, or null when the CLI did not say
 * @param costUsd the cost in US dollars, or null when the CLI does not report one
 */
public record AttemptUsage(String model, long inputTokens, long outputTokens, BigDecimal costUsd) {

  public static final int MAX_MODEL = 200;
  /** Far above any real attempt, low enough that sums over a mission never overflow a bigint. */
  public static final long MAX_TOKENS = 1_000_000_000_000L;
  public static final BigDecimal MAX_COST_USD = BigDecimal.valueOf(1_000_000_000L);

  /** Input plus output tokens: what a mission's token budget counts. */
  public long totalTokens() {
    return inputTokens + outputTokens;
  }

  /** The cost, or zero when none was reported (for sums). */
  public BigDecimal costOrZero() {
    return costUsd == null ? BigDecimal.ZERO : costUsd;
  }

  /** Adds a violation per bad value to {@code out}, each named under {@code field} (e.g. {@code usage}). */
  public void check(String field, List<Violation> out) {
    if (model != null && (model.isEmpty() || model.length() > MAX_MODEL || model.chars().anyMatch(Character::isISOControl))) {
      out.add(new Violation(field + ".model",
          "must be null or 1 to " + MAX_MODEL + " characters without control characters"));
    }
    checkTokens(field + ".input_tokens", inputTokens, out);
    checkTokens(field + ".output_tokens", outputTokens, out);
    if (costUsd != null && (costUsd.signum() < 0 || costUsd.compareTo(MAX_COST_USD) > 0)) {
      out.add(new Violation(field + ".cost_usd", "must be null or a number from 0 to " + MAX_COST_USD.toPlainString()));
    }
  }

  private static void checkTokens(String field, long tokens, List<Violation> out) {
    if (tokens < 0 || tokens > MAX_TOKENS) {
      out.add(new Violation(field, "must be an integer from 0 to " + MAX_TOKENS));
    }
  }
}
