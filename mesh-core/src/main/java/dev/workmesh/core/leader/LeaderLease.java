package dev.workmesh.core.leader;

import dev.workmesh.core.db.MeshDb;
import java.time.Duration;
import java.time.Instant;

/**
 * Leadership of one family of maintenance loops, held as a row in {@code leader_lease} with an expiry.
 * The holder renews it well inside the term; anyone may take it once it has expired. A leader trusts its
 * leadership only until {@code renewedAt + term - trustMargin} and steps down when a renewal fails, so
 * two replicas never act as leader at the same time as long as clocks agree within the margin.
 */
public final class LeaderLease {

  private final MeshDb db;
  private final String name;
  private final String holder;
  private final Duration term;
  private final Duration trustMargin;
  private volatile Instant trustedUntil = Instant.MIN;

  public LeaderLease(MeshDb db, String name, String holder, Duration term, Duration trustMargin) {
    if (trustMargin.compareTo(term) >= 0) {
      throw new IllegalArgumentException("leader lease trust margin " + trustMargin + " must be shorter than term " + term);
    }
    this.db = db;
    this.name = name;
    this.holder = holder;
    this.term = term;
    this.trustMargin = trustMargin;
  }

  /** Takes the lease if it is free or expired, or renews it if we hold it. Returns whether we lead now. */
  public boolean acquireOrRenew() {
    Instant now = db.now();
    try {
      Integer won =
          db.jdbc()
              .sql("INSERT INTO leader_lease (name, holder, expires_at, acquired_at, renewed_at)"
                  + " VALUES (:name, :holder, :expires, :now, :now)"
                  + " ON CONFLICT (name) DO UPDATE SET holder = EXCLUDED.holder, expires_at = EXCLUDED.expires_at,"
                  + " renewed_at = EXCLUDED.renewed_at,"
                  + " acquired_at = CASE WHEN leader_lease.holder = EXCLUDED.holder THEN leader_lease.acquired_at"
                  + " ELSE EXCLUDED.acquired_at END"
                  + " WHERE leader_lease.holder = EXCLUDED.holder OR leader_lease.expires_at < :now"
                  + " RETURNING 1")
              .param("name", name)
              .param("holder", holder)
              .param("expires", MeshDb.ts(now.plus(term)))
              .param("now", MeshDb.ts(now))
              .query(Integer.class)
              .optional()
              .orElse(0);
      trustedUntil = won == 1 ? now.plus(term).minus(trustMargin) : Instant.MIN;
      return won == 1;
    } catch (RuntimeException e) {
      trustedUntil = Instant.MIN; // cannot renew: step down
      throw e;
    }
  }

  /** Whether this replica may act as leader right now. */
  public boolean isLeader() {
    return db.now().isBefore(trustedUntil);
  }

  /** Gives the lease up, so that another replica can take over without waiting for it to expire. */
  public void release() {
    trustedUntil = Instant.MIN;
    db.jdbc()
        .sql("DELETE FROM leader_lease WHERE name = :name AND holder = :holder")
        .param("name", name)
        .param("holder", holder)
        .update();
  }

  public String holder() {
    return holder;
  }

  public String name() {
    return name;
  }
}
