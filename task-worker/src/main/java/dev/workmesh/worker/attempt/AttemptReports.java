package dev.workmesh.worker.attempt;

import dev.workmesh.client.MeshClient;
import dev.workmesh.client.model.ClaimView;
import dev.workmesh.client.model.CompleteRequest;
import dev.workmesh.client.model.FailRequest;
import dev.workmesh.client.model.Usage;
import dev.workmesh.worker.spool.PendingReport;
import dev.workmesh.worker.subagent.SubagentOutcome;
import dev.workmesh.worker.subagent.SubagentUsage;
import tools.jackson.core.JacksonException;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.node.JsonNodeFactory;

/**
 * Turns how a subagent ended into the report the API gets.
 *
 * <ul>
 *   <li>succeeded: {@code complete} with the result (see {@link #resultJson}), exit code and log tail;
 *   <li>with either, the usage the agent CLI reported (model, tokens, cost), so mesh-api records it on the
 *       attempt and counts it against the mission's budget;
 *   <li>failed, timed_out: {@code fail}, retryable (another attempt may succeed), unless the agent
 *       CLI failed for its configuration (see {@link SubagentOutcome#retryable()});
 *   <li>cancelled on the mesh's request: {@code fail} with outcome cancelled, not retryable;
 *   <li>could not start (missing binary, unusable input): {@code fail}, not retryable, since another
 *       attempt with the same task would fail the same way.
 * </ul>
 */
final class AttemptReports {

  private AttemptReports() {}

  static PendingReport of(ClaimView claim, SubagentOutcome outcome) {
    var task = claim.task();
    return switch (outcome.outcome()) {
      case SUCCEEDED ->
          PendingReport.complete(task.id(), claim.attemptId(),
              new CompleteRequest(claim.claimToken(), resultJson(outcome.result()), outcome.exitCode(), outcome.logTail(),
                  usage(outcome.usage())));
      case FAILED -> fail(claim, outcome, "failed", outcome.retryable());
      case TIMED_OUT -> fail(claim, outcome, "timed_out", true);
      case CANCELLED -> fail(claim, outcome, "cancelled", false);
    };
  }

  static PendingReport launchFailed(ClaimView claim, String error) {
    return PendingReport.fail(claim.task().id(), claim.attemptId(),
        new FailRequest(claim.claimToken(), error, "failed", false, null, null));
  }

  private static PendingReport fail(ClaimView claim, SubagentOutcome outcome, String kind, boolean retryable) {
    return PendingReport.fail(claim.task().id(), claim.attemptId(),
        new FailRequest(claim.claimToken(), outcome.error(), kind, retryable, outcome.exitCode(), outcome.logTail(),
            usage(outcome.usage())));
  }

  /** What the agent CLI reported spending, as the report carries it; null when it reported nothing. */
  static Usage usage(SubagentUsage spent) {
    return spent == null ? null : new Usage(spent.model(), spent.inputTokens(), spent.outputTokens(), spent.costUsd());
  }

  /**
   * The task's result: when the subagent's result (its result file, else stdout), without surrounding
   * white space, is a JSON object or array, that JSON; anything else, including a bare number or
   * {@code true} printed by a CLI, is sent as one JSON string, exactly as produced.
   */
  static JsonNode resultJson(String text) {
    String trimmed = text == null ? "" : text.strip();
    if ((trimmed.startsWith("{") && trimmed.endsWith("}")) || (trimmed.startsWith("[") && trimmed.endsWith("]"))) {
      try {
        return MeshClient.JSON.readTree(trimmed);
      } catch (JacksonException e) {
        // not JSON after all: a string
      }
    }
    return JsonNodeFactory.instance.stringNode(text == null ? "" : text);
  }
}
