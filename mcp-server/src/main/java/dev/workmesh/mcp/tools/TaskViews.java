package dev.workmesh.mcp.tools;

import dev.workmesh.client.model.AttemptView;
import dev.workmesh.client.model.TaskView;
import dev.workmesh.client.model.Usage;
import java.util.LinkedHashMap;
import java.util.Map;

/** How the tools show tasks: whole (one task) or as a list line, and in one sentence of text. */
final class TaskViews {

  private TaskViews() {}

  static Map<String, Object> whole(TaskView task) {
    return StructuredJson.object(task);
  }

  /** The fields of {@link Schemas#TASK_SUMMARY}; descriptions, inputs and results stay out of lists. */
  static Map<String, Object> summary(TaskView t) {
    Map<String, Object> line = new LinkedHashMap<>();
    line.put("id", t.id().toString());
    line.put("title", t.title());
    line.put("status", t.status());
    putIfPresent(line, "claim_policy", t.claimPolicy());
    putIfPresent(line, "pool", t.pool());
    line.put("priority", t.priority());
    putIfPresent(line, "runtime", t.runtime());
    putIfPresent(line, "assigned_agent", t.assignedAgent() == null ? null : t.assignedAgent().toString());
    line.put("attempt", t.attempt());
    line.put("max_attempts", t.maxAttempts());
    putIfPresent(line, "error", t.error());
    putIfPresent(line, "waiting_reason", t.waitingReason() == null ? null : t.waitingReason().message());
    putIfPresent(line, "created_at", t.createdAt() == null ? null : t.createdAt().toString());
    putIfPresent(line, "finished_at", t.finishedAt() == null ? null : t.finishedAt().toString());
    return line;
  }

  /**
   * {@code task 0190… "title": ready, 0 of 3 attempts spent}. A task retried by hand gets max_attempts more
   * on each retry, so its spent attempts can exceed max_attempts: it then says {@code 4 attempts spent
   * (retried; 3 per retry)} rather than a count "of" a budget it has outgrown. A ready task that no connected
   * agent can claim says why.
   */
  static String sentence(TaskView t) {
    StringBuilder s = new StringBuilder("task ").append(t.id()).append(" \"").append(t.title()).append("\": ")
        .append(t.status()).append(", ");
    if (t.attempt() <= t.maxAttempts()) {
      s.append(t.attempt()).append(" of ").append(attempts(t.maxAttempts())).append(" spent");
    } else {
      s.append(attempts(t.attempt())).append(" spent (retried; ").append(t.maxAttempts()).append(" per retry)");
    }
    if (t.error() != null && !t.error().isBlank()) {
      s.append(", error: ").append(t.error());
    }
    if (t.waitingReason() != null) {
      s.append(", waiting: ").append(t.waitingReason().message());
    }
    if (t.usageTotal() != null) {
      s.append(", used ").append(t.usageTotal().tokens()).append(" tokens")
          .append(t.usageTotal().costUsd() == null ? "" : " ($" + t.usageTotal().costUsd().toPlainString() + ")");
    }
    return s.toString();
  }

  /** One line per attempt that reported usage: {@code attempt 1: model m, 1200 in + 300 out tokens, $0.0123}. */
  static String usageLines(TaskView t) {
    if (t.attempts() == null) {
      return "";
    }
    StringBuilder s = new StringBuilder();
    for (AttemptView a : t.attempts()) {
      Usage u = a.usage();
      if (u != null) {
        s.append("\nattempt ").append(a.number()).append(": model ")
            .append(u.model() == null ? "not reported" : u.model()).append(", ").append(u.inputTokens())
            .append(" in + ").append(u.outputTokens()).append(" out tokens")
            .append(u.costUsd() == null ? "" : ", $" + u.costUsd().toPlainString());
      }
    }
    return s.toString();
  }

  /** {@code 1 attempt}, {@code 3 attempts}. */
  static String attempts(int count) {
    return count + (count == 1 ? " attempt" : " attempts");
  }

  private static void putIfPresent(Map<String, Object> map, String key, Object value) {
    if (value != null) {
      map.put(key, value);
    }
  }
}
