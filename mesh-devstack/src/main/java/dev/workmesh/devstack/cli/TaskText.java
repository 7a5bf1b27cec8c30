package dev.workmesh.devstack.cli;

import dev.workmesh.client.model.AttemptView;
import dev.workmesh.client.model.TaskView;
import java.io.PrintStream;
import java.util.List;

/** What {@code ./mesh task} prints: the task, why it waits or failed, its usage and result, then each attempt. */
final class TaskText {

  /** This many last lines of each attempt's log tail are shown. */
  static final int LOG_LINES = 20;

  private TaskText() {}

  static void show(TaskView t, PrintStream out) {
    out.println(t.title() + "  [" + t.status() + "]  " + t.id());
    out.println("  mission " + t.missionId() + ", policy " + t.claimPolicy() + ", pool " + t.pool() + ", priority "
        + t.priority() + (t.runtime() == null ? "" : ", runtime " + t.runtime()));
    if (t.waitingReason() != null) {
      out.println("  waiting: " + t.waitingReason().message());
    }
    if (t.error() != null) {
      out.println("  error: " + t.error());
    }
    if (t.usageTotal() != null) {
      out.println("  usage: " + UsageText.spending(t.usageTotal()));
    }
    if (t.result() != null && !t.result().isNull()) {
      out.println("  result: " + (t.result().isString() ? t.result().asString() : t.result().toString()).strip());
    }
    for (AttemptView a : t.attempts()) {
      out.println("  attempt " + a.number() + " " + a.id() + " by agent " + a.agentId() + ": "
          + (a.outcome() == null ? "live (lease until " + a.leaseExpiresAt() + ")" : a.outcome())
          + (a.exitCode() == null ? "" : ", exit " + a.exitCode())
          + (a.outcome() != null && a.error() != null && !a.error().isBlank() ? " - " + a.error().strip() : ""));
      if (a.usage() != null) {
        out.println("      usage: " + UsageText.usage(a.usage()));
      }
      if (a.logTail() != null && !a.logTail().isBlank()) {
        List<String> lines = a.logTail().strip().lines().toList();
        if (lines.size() > LOG_LINES) {
          out.println("      | ... (" + (lines.size() - LOG_LINES) + " earlier lines)");
        }
        lines.subList(Math.max(0, lines.size() - LOG_LINES), lines.size()).forEach(l -> out.println("      | " + l));
      }
    }
  }
}
