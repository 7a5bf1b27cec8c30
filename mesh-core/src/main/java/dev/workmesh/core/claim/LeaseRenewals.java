package dev.workmesh.core.claim;

import dev.workmesh.core.MeshException;
import dev.workmesh.core.claim.AttemptReports.HeartbeatAck;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.UUID;

/**
 * Heartbeats of many claims at once: a worker renews the leases of all its running attempts in one
 * request. Each claim is fenced by its own token and judged on its own, exactly as its single heartbeat
 * would be, so a stale claim never holds back or undoes the others: the answer says for each claim whether
 * its lease was renewed or why not. The first_claim and assigned claims are renewed by one statement
 * together; a broadcast target's claim, or one that statement did not renew, then in a transaction of its
 * own, which says why it is refused.
 */
public final class LeaseRenewals {

  /** One claim to renew, with the end of its attempt's output so far (null: unchanged). */
  public record Renewal(UUID taskId, String claimToken, String logTail) {}

  /** What became of one claim: renewed ({@code ack}) or refused ({@code refusal}, nothing changed). */
  public record Renewed(UUID taskId, HeartbeatAck ack, MeshException refusal) {

    public boolean accepted() {
      return refusal == null;
    }
  }

  private final AttemptReports reports;

  public LeaseRenewals(AttemptReports reports) {
    this.reports = reports;
  }

  /**
   * Renews each claim's lease (and, on its first heartbeat, marks its task running).
   *
   * @param agentId the renewing agent, or null for an operator
   * @return one answer per claim, in the order given
   */
  public List<Renewed> renewAll(UUID agentId, List<Renewal> claims) {
    Map<UUID, HeartbeatAck> together = reports.renewTogether(agentId, claims);
    List<Renewed> answers = new ArrayList<>(claims.size());
    for (Renewal claim : claims) {
      HeartbeatAck ack = together.get(claim.taskId());
      try {
        answers.add(new Renewed(claim.taskId(), ack != null ? ack
            : reports.heartbeatAlone(claim.taskId(), claim.claimToken(), agentId, claim.logTail()), null));
      } catch (MeshException refused) {
        answers.add(new Renewed(claim.taskId(), null, refused));
      }
    }
    return answers;
  }
}
