package dev.workmesh.watchdog.rescue;

import dev.workmesh.core.db.MeshDb;
import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.MeterRegistry;
import java.time.Duration;
import java.time.Instant;
import java.util.concurrent.atomic.AtomicInteger;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Holds lease rescue while most agents went silent at once. One agent going quiet is an agent that died;
 * most of them going quiet together is far more likely the control plane or the network failing between
 * them and the mesh, and rescuing their claims would only start a second copy of work that is still running
 * (the way Kubernetes' node controller stops evicting when a large share of a zone turns unhealthy).
 *
 * <p>Before each rescue run it counts the agents (not revoked) that hold a live attempt, and how many of them
 * gave no sign of life for longer than {@code silentAfter}. When at least {@code minAgents} hold attempts and
 * at least {@code silentShare} of them are silent, rescue is held. A hold never lasts longer than
 * {@code max} in a row: past it, rescue resumes even though the fleet is still silent, and no new hold starts
 * until the fleet has been found not silent once. When the fleet reports again, rescue still waits
 * {@code silentAfter} for the agents that have not yet, so they are not rescued in the middle of coming
 * back. The state lives in the leader's memory: a new leader
 * starts counting afresh.
 *
 * <p>Logs at WARN when a hold starts (with the figures) and when it runs out, at INFO when it ends; publishes
 * {@code mesh_watchdog_rescue_held} (1 while held) and {@code mesh_watchdog_rescue_held_ticks_total}.
 */
public final class RescueHold {

  /** The thresholds; see {@code watchdog-service.rescue-hold.*}. */
  public record Settings(double silentShare, int minAgents, Duration max, Duration silentAfter) {}

  /** The agents holding live attempts, and how many of them are silent. */
  public record Fleet(int holding, int silent) {}

  public static final String HELD = "mesh.watchdog.rescue.held";
  public static final String HELD_TICKS = "mesh.watchdog.rescue.held.ticks";

  private static final Logger log = LoggerFactory.getLogger(RescueHold.class);

  private static final String FLEET =
      "SELECT count(DISTINCT a.agent_id) AS holding,"
          + " count(DISTINCT a.agent_id) FILTER (WHERE g.last_heartbeat_at < :silent) AS silent"
          + " FROM attempt a JOIN agent g ON g.id = a.agent_id"
          + " WHERE a.outcome IS NULL AND g.status <> 'revoked'";

  private final MeshDb db;
  private final Settings settings;
  private final AtomicInteger held = new AtomicInteger();
  private final Counter heldTicks;
  private Instant heldSince;
  private Instant recoveringSince;
  private boolean spent;

  public RescueHold(MeshDb db, Settings settings, MeterRegistry meters) {
    this.db = db;
    this.settings = settings;
    Gauge.builder(HELD, held, AtomicInteger::get)
        .description("1 while the watchdog holds lease rescue because most agents went silent at once, else 0")
        .register(meters);
    this.heldTicks = Counter.builder(HELD_TICKS)
        .description("Watchdog ticks in which lease rescue was held")
        .register(meters);
  }

  /** Whether rescue must wait this run; counts the run when it must. Leader only, one thread. */
  public boolean holds() {
    Instant now = db.now();
    Fleet fleet = fleet(now);
    if (!suspect(fleet)) {
      if (heldSince != null && recovering(now, fleet)) {
        return hold();
      }
      if (heldSince != null || spent) {
        log.info("lease rescue resumes: {} of {} agents holding claims are silent now", fleet.silent(), fleet.holding());
      }
      release();
      spent = false;
      return false;
    }
    recoveringSince = null; // silent again: a later recovery gets its whole grace
    if (spent) {
      return false;
    }
    if (heldSince == null) {
      heldSince = now;
      log.warn("lease rescue held: {} of {} agents holding claims gave no sign of life for over {} (hold at {}% of"
          + " at least {}); suspecting the control plane or the network, not the agents; holding for at most {}",
          fleet.silent(), fleet.holding(), settings.silentAfter(), Math.round(settings.silentShare() * 100),
          settings.minAgents(), settings.max());
    } else if (Duration.between(heldSince, now).compareTo(settings.max()) >= 0) {
      log.warn("lease rescue hold ran out after {}: {} of {} agents holding claims are still silent; rescuing now",
          settings.max(), fleet.silent(), fleet.holding());
      release();
      spent = true;
      return false;
    }
    return hold();
  }

  /**
   * Whether a hold whose fleet is reporting again still waits: agents come back one heartbeat at a time, and
   * the share drops below the threshold while the rest are still on their way. They get {@code silentAfter}
   * more (within the hold's maximum) before the stragglers' claims are rescued.
   */
  private boolean recovering(Instant now, Fleet fleet) {
    if (recoveringSince == null) {
      recoveringSince = now;
      log.info("agents are reporting again ({} of {} holding claims still silent): rescue waits {} more for the rest",
          fleet.silent(), fleet.holding(), settings.silentAfter());
    }
    return Duration.between(recoveringSince, now).compareTo(settings.silentAfter()) < 0
        && Duration.between(heldSince, now).compareTo(settings.max()) < 0;
  }

  private boolean hold() {
    held.set(1);
    heldTicks.increment();
    return true;
  }

  boolean suspect(Fleet fleet) {
    return fleet.holding() >= settings.minAgents() && fleet.silent() >= settings.silentShare() * fleet.holding();
  }

  private void release() {
    heldSince = null;
    recoveringSince = null;
    held.set(0);
  }

  private Fleet fleet(Instant now) {
    return db.jdbc()
        .sql(FLEET)
        .param("silent", MeshDb.ts(now.minus(settings.silentAfter())))
        .query((rs, i) -> new Fleet(rs.getInt("holding"), rs.getInt("silent")))
        .single();
  }
}
