package dev.workmesh.core.leader;

import dev.workmesh.core.loop.PeriodicLoop;
import io.micrometer.core.instrument.MeterRegistry;
import java.time.Duration;
import java.util.List;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The one shape of every maintenance service (promoter, re-dispatcher, lease rescuer, health sweep): a
 * {@link PeriodicLoop} named after its {@link LeaderLease} whose gate takes or renews the lease on each tick,
 * so that the steps run only while this replica leads (and stop between two runs once it no longer does).
 * The renewal is counted as the step {@value #LEASE_STEP}; a failed one steps down. Ticks carry ±20% jitter
 * so that replicas do not tick in step.
 */
public final class MaintenanceLoop implements AutoCloseable {

  /** The gate's step name in the loop's meters. */
  public static final String LEASE_STEP = "leader-lease";

  private static final Logger log = LoggerFactory.getLogger(MaintenanceLoop.class);

  private final LeaderLease lease;
  private final PeriodicLoop loop;
  private volatile boolean wasLeader;

  public MaintenanceLoop(LeaderLease lease, Duration interval, List<? extends PeriodicLoop.Step> steps, MeterRegistry meters) {
    this.lease = lease;
    this.loop = PeriodicLoop.every(lease.name(), interval)
        .jitter(0.2)
        .steps(steps)
        .gate(new LeaseGate())
        .meters(meters)
        .build();
  }

  /** Starts ticking in the background. */
  public void start() {
    loop.start();
  }

  /** One tick, on the caller's thread: renew leadership, then run every step if leading. */
  public boolean tick() {
    return loop.tick();
  }

  public boolean isLeader() {
    return lease.isLeader();
  }

  /** Stops ticking and gives up leadership so that another replica takes over at once. */
  @Override
  public void close() {
    loop.close();
    try {
      lease.release();
    } catch (RuntimeException e) {
      log.warn("maintenance '{}': could not release the leader lease: {}", lease.name(), e.toString());
    }
  }

  private final class LeaseGate implements PeriodicLoop.Gate {
    @Override
    public String name() {
      return LEASE_STEP;
    }

    @Override
    public boolean open() {
      boolean leader = false;
      try {
        leader = lease.acquireOrRenew();
        return leader;
      } finally {
        if (leader != wasLeader) {
          log.info("maintenance '{}': {} is {} leader", lease.name(), lease.holder(), leader ? "now" : "no longer");
          wasLeader = leader;
        }
      }
    }

    @Override
    public boolean stillOpen() {
      return lease.isLeader();
    }
  }
}
