package dev.workmesh.core.claim;

import dev.workmesh.core.MeshException;
import dev.workmesh.core.ValidationException;
import dev.workmesh.core.db.MeshDb;
import dev.workmesh.core.task.ClaimPolicy;
import dev.workmesh.core.task.TaskStatus;
import dev.workmesh.core.usage.AttemptUsage;
import dev.workmesh.core.usage.MissionSpending;
import dev.workmesh.core.usage.MissionSpending.Spent;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.UUID;
import org.springframework.jdbc.support.SqlArrayValue;
import dev.workmesh.core.claim.AttemptReports.Report;
import dev.workmesh.core.claim.AttemptReports.Reported;

/**
 * Many reports of one agent in one request and one transaction ({@code POST /work/reports}): the
 * completions of first_claim and assigned attempts in one statement, the rest one by one through {@link
 * AttemptReports}, each fenced by its own claim token.
 */
public final class BatchReports {

  private final MeshDb db;
  private final AttemptReports attempts;
  private final MissionSpending spending;

  public BatchReports(MeshDb db, AttemptReports reports) {
    this.db = db;
    this.attempts = reports;
    this.spending = new MissionSpending(db);
  }

  /**
   * Applies a batch of reports in one transaction. Each is fenced by its own claim token and judged on
   * its own: a stale one is refused (in the answer) and the others stand. Completions of first_claim and
   * assigned attempts, the common case, are written by one statement for the whole batch; the rest go
   * one by one, each behind a savepoint. Invalid input (a missing token, a bad outcome, a task twice)
   * refuses the whole batch with a {@link ValidationException} before anything is written.
   *
   * @param agentId the reporting agent, or null for an operator
   * @return one answer per report, in the order given
   */
  public List<Reported> reportAll(UUID agentId, List<Report> reports) {
    validateBatch(reports);
    return db.inTransaction(() -> {
      Map<UUID, Reported> answers =
          attempts.completeTogether(agentId, reports.stream().filter(r -> r.completion() != null).toList());
      List<Spent> spent = new ArrayList<>();
      for (Report r : reports) {
        AttemptUsage usage = r.completion() != null ? r.completion().usage() : r.failure().usage();
        if (answers.containsKey(r.taskId())) {
          spent.add(new Spent(r.taskId(), usage));
          continue;
        }
        try {
          ClaimPolicy policy = db.inSavepoint(() -> r.completion() != null
              ? attempts.completeIn(r.taskId(), r.claimToken(), agentId, r.completion())
              : attempts.failIn(r.taskId(), r.claimToken(), agentId, r.failure()));
          answers.put(r.taskId(), Reported.accepted(r.taskId(), policy.wire()));
          spent.add(new Spent(r.taskId(), usage));
        } catch (MeshException refused) {
          answers.put(r.taskId(), Reported.refused(r.taskId(), refused));
        }
      }
      spending.spend(spent);
      Map<UUID, TaskStatus> statuses = statusesOf(answers.values().stream()
          .filter(a -> a.accepted() && a.taskStatus() == null).map(Reported::taskId).toList());
      return reports.stream().map(r -> answers.get(r.taskId()))
          .map(a -> a.accepted() && a.taskStatus() == null ? a.withTaskStatus(statuses.get(a.taskId())) : a).toList();
    });
  }

  /** The status of each of these tasks now, in the caller's transaction. */
  private Map<UUID, TaskStatus> statusesOf(List<UUID> taskIds) {
    Map<UUID, TaskStatus> statuses = new HashMap<>();
    if (!taskIds.isEmpty()) {
      db.jdbc().sql("SELECT id, status FROM task WHERE id = ANY(:ids)")
          .param("ids", new SqlArrayValue("uuid", taskIds.toArray()))
          .query((rs, i) -> statuses.put(MeshDb.uuid(rs, "id"), TaskStatus.fromWire(rs.getString("status"))))
          .list();
    }
    return statuses;
  }

  private static void validateBatch(List<Report> reports) {
    if (reports.isEmpty() || reports.size() > AttemptReports.MAX_BATCH) {
      throw ValidationException.of("reports", "must hold between 1 and " + AttemptReports.MAX_BATCH + " reports");
    }
    Set<UUID> seen = new HashSet<>();
    for (int i = 0; i < reports.size(); i++) {
      Report r = reports.get(i);
      String at = "reports[" + i + "]";
      if (r.taskId() == null) {
        throw ValidationException.of(at + ".task_id", "is required");
      }
      if (!seen.add(r.taskId())) {
        throw ValidationException.of(at + ".task_id", "names task " + r.taskId() + " a second time in this batch");
      }
      if (r.claimToken() == null || r.claimToken().isBlank()) {
        throw ValidationException.of(at + ".claim_token", "is required: the token returned by the claim");
      }
      if ((r.completion() == null) == (r.failure() == null)) {
        throw ValidationException.of(at, "must be either a completion or a failure");
      }
      if (r.completion() != null) {
        AttemptReports.checkResult(at + ".result", r.completion().result());
        AttemptReports.checkUsage(at + ".usage", r.completion().usage());
      } else {
        AttemptReports.checkOutcome(at + ".outcome", r.failure());
        AttemptReports.checkUsage(at + ".usage", r.failure().usage());
      }
    }
  }
}
