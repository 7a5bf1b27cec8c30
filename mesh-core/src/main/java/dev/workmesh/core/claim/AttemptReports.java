package dev.workmesh.core.claim;

import dev.workmesh.core.Ids;
import dev.workmesh.core.db.MeshDb;
import dev.workmesh.core.task.AttemptOutcome;
import dev.workmesh.core.task.TaskLifecycle;
import java.time.Instant;
import java.util.Optional;
import java.util.UUID;
import tools.jackson.databind.JsonNode;

/**
 * Reports on a claim: heartbeat, complete, fail, release. Every one is fenced by the claim token: only
 * the live attempt that the token belongs to can be reported on, and a stale or unknown token is a
 * {@link StaleClaimException} that changes nothing (invariant 2).
 */
public final class AttemptReports {

  /** The answer to a heartbeat: the new lease, and whether the task's cancellation was requested. */
  public record HeartbeatAck(UUID attemptId, Instant leaseExpiresAt, boolean cancelRequested) {}

  /** A successful attempt's report. {@code result} is any JSON; the log tail is kept with the attempt. */
  public record Completion(JsonNode result, Integer exitCode, String logTail) {}

  /**
   * A failed attempt's report.
   *
   * @param outcome failed, timed_out or cancelled
   * @param retryable false when retrying cannot help (the task then fails at once)
   */
  public record Failure(AttemptOutcome outcome, String error, boolean retryable, Integer exitCode, String logTail) {}

  public static final int MAX_LOG_TAIL = 65_536;
  public static final int MAX_ERROR = 10_000;

  private final MeshDb db;
  private final TaskLifecycle lifecycle;
  private final ClaimEngine engine;

  public AttemptReports(MeshDb db, TaskLifecycle lifecycle, ClaimEngine engine) {
    this.db = db;
    this.lifecycle = lifecycle;
    this.engine = engine;
  }

  private record Live(UUID id, UUID agentId, boolean broadcast, boolean started) {}

  /**
   * Renews the lease of the live attempt and, on the first heartbeat, marks the task running.
   *
   * @param agentId the reporting agent, or null for an operator
   */
  public HeartbeatAck heartbeat(UUID taskId, String claimToken, UUID agentId) {
    return db.inTransaction(() -> {
      Live live = lockLive(taskId, claimToken, agentId);
      Instant now = db.now();
      Instant lease = now.plus(engine.lease());
      db.jdbc()
          .sql("UPDATE attempt SET lease_expires_at = :lease, started_at = COALESCE(started_at, :now) WHERE id = :id")
          .param("lease", MeshDb.ts(lease))
          .param("now", MeshDb.ts(now))
          .param("id", live.id())
          .update();
      if (!live.started()) {
        lifecycle.started(taskId, live.agentId(), live.id(), live.broadcast());
      }
      boolean cancel =
          db.jdbc().sql("SELECT cancel_requested OR status IN ('cancelled', 'failed', 'succeeded') FROM task WHERE id = :id")
              .param("id", taskId).query(Boolean.class).single();
      return new HeartbeatAck(live.id(), lease, cancel);
    });
  }

  /** Ends the attempt succeeded; the task succeeds (broadcast: when every target has). */
  public void complete(UUID taskId, String claimToken, UUID agentId, Completion report) {
    if (dev.workmesh.core.task.TaskValidator.containsNul(report.result())) {
      throw dev.workmesh.core.ValidationException.of("result",
          "must not contain the NUL character (\\u0000) in any key or value");
    }
    db.inTransaction(() -> {
      Live live = lockLive(taskId, claimToken, agentId);
      finishAttempt(live.id(), AttemptOutcome.SUCCEEDED, report.result(), null, report.exitCode(), report.logTail());
      if (live.broadcast()) {
        lifecycle.afterTargetAttempt(taskId, live.agentId(), AttemptOutcome.SUCCEEDED, report.result(), null, false);
      } else {
        lifecycle.succeedAttempt(taskId, report.result(), live.agentId(), live.id());
      }
    });
  }

  /** Ends the attempt failed, timed out or cancelled; the task is retried, cancelled or failed. */
  public void fail(UUID taskId, String claimToken, UUID agentId, Failure report) {
    if (report.outcome() == AttemptOutcome.SUCCEEDED || report.outcome() == AttemptOutcome.LOST) {
      throw dev.workmesh.core.ValidationException.of("outcome", "must be failed, timed_out or cancelled");
    }
    db.inTransaction(() -> {
      Live live = lockLive(taskId, claimToken, agentId);
      finishAttempt(live.id(), report.outcome(), null, report.error(), report.exitCode(), report.logTail());
      if (live.broadcast()) {
        lifecycle.afterTargetAttempt(taskId, live.agentId(), report.outcome(), null, report.error(), report.retryable());
      } else {
        lifecycle.afterBadAttempt(taskId, report.outcome(), report.error(), report.retryable(), live.agentId(),
            live.id());
      }
    });
  }

  /** Gives the claim back without it counting as an attempt: the task is claimable again at once. */
  public void release(UUID taskId, String claimToken, UUID agentId) {
    db.inTransaction(() -> {
      Live live = lockLive(taskId, claimToken, agentId);
      finishAttempt(live.id(), AttemptOutcome.CANCELLED, null, "released by its agent", null, null);
      if (live.broadcast()) {
        lifecycle.releaseTarget(taskId, live.agentId());
      } else {
        lifecycle.released(taskId, "released by its agent");
      }
    });
  }

  /**
   * Ends a live attempt as lost (lapsed lease, revoked or disconnected agent) and retries or fails its
   * task. With {@code requeueNow} (a revoked agent) the task is claimable again at once and the attempt
   * is not counted against it. Returns false when the attempt was no longer live. In a transaction.
   */
  public boolean endLost(UUID attemptId, String reason, boolean requeueNow) {
    Optional<Live> live =
        db.jdbc()
            .sql("SELECT id, task_id, agent_id, broadcast, started_at IS NOT NULL AS started FROM attempt"
                + " WHERE id = :id AND outcome IS NULL FOR UPDATE")
            .param("id", attemptId)
            .query((rs, i) -> new Live(MeshDb.uuid(rs, "id"), MeshDb.uuid(rs, "agent_id"), rs.getBoolean("broadcast"),
                rs.getBoolean("started")))
            .optional();
    if (live.isEmpty()) {
      return false;
    }
    UUID taskId =
        db.jdbc().sql("SELECT task_id FROM attempt WHERE id = :id").param("id", attemptId).query(UUID.class).single();
    finishAttempt(attemptId, AttemptOutcome.LOST, null, reason, null, null);
    lifecycle.attemptLost(taskId, live.get().agentId(), attemptId, reason);
    if (requeueNow) {
      if (live.get().broadcast()) {
        lifecycle.releaseTarget(taskId, live.get().agentId());
      } else {
        lifecycle.released(taskId, reason);
      }
    } else if (live.get().broadcast()) {
      lifecycle.afterTargetAttempt(taskId, live.get().agentId(), AttemptOutcome.LOST, null, reason, true);
    } else {
      lifecycle.afterBadAttempt(taskId, AttemptOutcome.LOST, reason, true, live.get().agentId(), attemptId);
    }
    return true;
  }

  private void finishAttempt(UUID attemptId, AttemptOutcome outcome, JsonNode result, String error, Integer exitCode,
      String logTail) {
    db.jdbc()
        .sql("UPDATE attempt SET outcome = :outcome, finished_at = :now, result = CAST(:result AS jsonb),"
            + " error = :error, exit_code = :exit, log_tail = :tail WHERE id = :id")
        .param("outcome", outcome.wire())
        .param("now", MeshDb.ts(db.now()))
        .param("result", result == null ? null : db.writeJson(result))
        .param("error", clip(error, MAX_ERROR))
        .param("exit", exitCode)
        .param("tail", tail(logTail))
        .param("id", attemptId)
        .update();
  }

  /** The live attempt this token fences, locked; or the reason there is none. */
  private Live lockLive(UUID taskId, String claimToken, UUID agentId) {
    if (claimToken == null || claimToken.isBlank()) {
      throw new StaleClaimException(taskId, "no claim token was given");
    }
    byte[] hash = Ids.sha256(claimToken);
    Optional<Live> live =
        db.jdbc()
            .sql("SELECT id, agent_id, broadcast, started_at IS NOT NULL AS started FROM attempt"
                + " WHERE task_id = :task AND claim_token_hash = :hash AND outcome IS NULL FOR UPDATE")
            .param("task", taskId)
            .param("hash", hash)
            .query((rs, i) -> new Live(MeshDb.uuid(rs, "id"), MeshDb.uuid(rs, "agent_id"), rs.getBoolean("broadcast"),
                rs.getBoolean("started")))
            .optional();
    if (live.isPresent()) {
      if (agentId != null && !agentId.equals(live.get().agentId())) {
        throw new NotYourClaimException(taskId, agentId);
      }
      return live.get();
    }
    Optional<String> ended =
        db.jdbc()
            .sql("SELECT outcome FROM attempt WHERE task_id = :task AND claim_token_hash = :hash")
            .param("task", taskId)
            .param("hash", hash)
            .query(String.class)
            .optional();
    throw new StaleClaimException(taskId, ended
        .map(outcome -> "that attempt already ended " + outcome)
        .orElse("no attempt of this task was issued this token"));
  }

  private static String tail(String log) {
    if (log == null || log.length() <= MAX_LOG_TAIL) {
      return log == null ? null : log.replace("\0", "");
    }
    return log.substring(log.length() - MAX_LOG_TAIL).replace("\0", "");
  }

  private static String clip(String text, int max) {
    if (text == null) {
      return null;
    }
    String clean = text.replace("\0", "");
    return clean.length() <= max ? clean : clean.substring(0, max);
  }
}
