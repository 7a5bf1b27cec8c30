package dev.workmesh.core.claim;

import dev.workmesh.core.MeshException;
import dev.workmesh.core.claim.AttemptReports.HeartbeatAck;
import java.util.ArrayList;
import java.util.List;
import java.util.UUID;

/**
 * Heartbeats of many claims at once: a worker renews the leases of all its running attempts in one
 * request. Each claim is fenced by its own token and judged on its own, exactly as its single heartbeat
 * would be (in a transaction of its own, so a stale claim never holds back or undoes the others): the
 * answer says for each claim whether its lease was renewed or why not.
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
    List<Renewed> answers = new ArrayList<>(claims.size());
    for (Renewal claim : claims) {
      try {
        answers.add(new Renewed(claim.taskId(), reports.heartbeat(claim.taskId(), claim.claimToken(), agentId, claim.logTail()), null));
      } catch (MeshException refused) {
        answers.add(new Renewed(claim.taskId(), null, refused));
      }
    }
    return answers;
  }
}
