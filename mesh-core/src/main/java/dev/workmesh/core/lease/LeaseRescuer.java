package dev.workmesh.core.lease;

import dev.workmesh.core.claim.AttemptReports;
import dev.workmesh.core.db.MeshDb;
import java.util.List;
import java.util.UUID;

/**
 * Rescues claims nobody is working on (invariant 5): attempts whose lease lapsed, and the live attempts of
 * agents that were revoked or disconnected. Each rescued attempt ends {@code lost} and its task is retried
 * with backoff or failed; a late report from the old holder then meets a stale token. Rows are taken with
 * {@code SKIP LOCKED} and re-checked under lock, so two replicas never rescue the same attempt twice.
 *
 * <p>"Disconnected" is the watchdog's verdict on the agent's last sign of life, which every heartbeat of
 * one of its claims renews ({@link dev.workmesh.core.claim.AttemptReports#heartbeat}): an agent that
 * heartbeats a claim is never disconnected, so that claim is never rescued as gone; it can only lapse.
 */
public final class LeaseRescuer {

  /** What one sweep did. */
  public record Rescued(int lapsed, int agentGone) {
    public int total() {
      return lapsed + agentGone;
    }
  }

  private final MeshDb db;
  private final AttemptReports reports;

  public LeaseRescuer(MeshDb db, AttemptReports reports) {
    this.db = db;
    this.reports = reports;
  }

  /** Rescues up to {@code batch} lapsed leases and up to {@code batch} claims of departed agents. */
  public Rescued runOnce(int batch) {
    int lapsed = rescue(
        "SELECT id FROM attempt WHERE outcome IS NULL AND lease_expires_at < :now"
            + " ORDER BY lease_expires_at LIMIT :n FOR UPDATE SKIP LOCKED",
        batch, null, "lease expired: no heartbeat from its agent", false);
    int gone = rescue(
        "SELECT a.id FROM attempt a JOIN agent g ON g.id = a.agent_id WHERE a.outcome IS NULL"
            + " AND g.status IN ('revoked', 'disconnected') LIMIT :n FOR UPDATE OF a SKIP LOCKED",
        batch, null, "its agent is disconnected or revoked", false);
    return new Rescued(lapsed, gone);
  }

  /**
   * Hands every live claim of one agent back at once (on revocation): the tasks are claimable again
   * immediately and the lost attempts are not counted against them.
   */
  public int rescueAgent(UUID agentId, String reason) {
    return rescue("SELECT id FROM attempt WHERE outcome IS NULL AND agent_id = :agent FOR UPDATE",
        Integer.MAX_VALUE, agentId, reason, true);
  }

  private int rescue(String select, int batch, UUID agentId, String reason, boolean requeueNow) {
    return db.inTransaction(() -> {
      var statement = db.jdbc().sql(select);
      if (select.contains(":n")) {
        statement = statement.param("n", batch);
      }
      if (select.contains(":now")) {
        statement = statement.param("now", MeshDb.ts(db.now()));
      }
      if (agentId != null) {
        statement = statement.param("agent", agentId);
      }
      List<UUID> attempts = statement.query(UUID.class).list();
      int rescued = 0;
      for (UUID attempt : attempts) {
        if (reports.endLost(attempt, reason, requeueNow)) {
          rescued++;
        }
      }
      return rescued;
    });
  }
}
