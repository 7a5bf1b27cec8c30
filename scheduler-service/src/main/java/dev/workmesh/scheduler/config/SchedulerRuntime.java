package dev.workmesh.scheduler.config;

import dev.workmesh.core.db.FailFastWhenDatabaseGoneOnStop;
import dev.workmesh.core.leader.MaintenanceLoop;
import dev.workmesh.core.loop.PeriodicLoop;
import dev.workmesh.scheduler.fire.ScheduleTicker;
import dev.workmesh.scheduler.registry.JobFileWatcher;
import dev.workmesh.scheduler.registry.JobRegistry;
import dev.workmesh.scheduler.registry.ReloadReport;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.MeterRegistry;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.context.SmartLifecycle;

/**
 * Starts the scheduler once the application context is ready and stops it first on shutdown: the
 * first load of the job file, the file watch, the firing tick (every replica) and the maintenance
 * loop (leader only). On stop the maintenance loop releases its lease so that another replica takes
 * over at once.
 */
public final class SchedulerRuntime implements SmartLifecycle {

  private static final Logger log = LoggerFactory.getLogger(SchedulerRuntime.class);

  private final JobRegistry registry;
  private final JobFileWatcher watcher;
  private final ScheduleTicker ticker;
  private final MaintenanceLoop maintenance;
  private final SchedulerProperties properties;
  private final MeterRegistry meters;
  private PeriodicLoop watchLoop;
  private PeriodicLoop tickLoop;
  private volatile boolean running;

  SchedulerRuntime(JobRegistry registry, JobFileWatcher watcher, ScheduleTicker ticker,
      MaintenanceLoop maintenance, SchedulerProperties properties, MeterRegistry meters) {
    this.registry = registry;
    this.watcher = watcher;
    this.ticker = ticker;
    this.maintenance = maintenance;
    this.properties = properties;
    this.meters = meters;
  }

  @Override
  public synchronized void start() {
    ReloadReport report = registry.reload();
    log.info("scheduler replica {} started with {} job(s) {} from {}", properties.replicaId(), report.jobs().size(),
        report.jobs(), report.source());
    Gauge.builder("scheduler.jobs", registry, r -> r.current().jobs().size())
        .description("jobs loaded from the job file")
        .register(meters);
    // Every replica, ±20% so that replicas drift apart; the tick counts the fires it made.
    watchLoop = PeriodicLoop.every("file-watch", properties.fileWatchInterval()).jitter(0.2)
        .running(watcher::poll).meters(meters).start();
    tickLoop = PeriodicLoop.every("tick", properties.tickInterval()).jitter(0.2)
        .step(PeriodicLoop.Step.counting("tick", ticker::tick)).meters(meters).start();
    maintenance.start();
    running = true;
  }

  @Override
  public synchronized void stop() {
    running = false;
    if (tickLoop != null) {
      tickLoop.close();
    }
    if (watchLoop != null) {
      watchLoop.close();
    }
    maintenance.close();
  }

  /** Its stop releases the leader lease: after the check that makes that fail fast without PostgreSQL. */
  @Override
  public int getPhase() {
    return FailFastWhenDatabaseGoneOnStop.AFTER;
  }

  @Override
  public boolean isRunning() {
    return running;
  }
}
