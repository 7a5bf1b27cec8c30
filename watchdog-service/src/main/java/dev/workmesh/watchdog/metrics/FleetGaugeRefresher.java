package dev.workmesh.watchdog.metrics;

import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.MeterRegistry;
import java.time.Duration;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Refreshes {@link FleetGauges} on a fixed delay, on every replica (reads only, no leadership needed). A
 * failed refresh is logged and counted ({@code mesh_watchdog_gauge_refresh_errors_total}) and the gauges keep
 * their last values until the next one succeeds.
 */
public final class FleetGaugeRefresher implements AutoCloseable {

  private static final Logger log = LoggerFactory.getLogger(FleetGaugeRefresher.class);

  private final FleetGauges gauges;
  private final Duration interval;
  private final Counter errors;
  private final ScheduledExecutorService ticker = Executors.newSingleThreadScheduledExecutor(r -> {
    Thread t = new Thread(r, "watchdog-fleet-gauges");
    t.setDaemon(true);
    return t;
  });

  public FleetGaugeRefresher(FleetGauges gauges, Duration interval, MeterRegistry meters) {
    this.gauges = gauges;
    this.interval = interval;
    this.errors = Counter.builder("mesh.watchdog.gauge.refresh.errors")
        .description("Refreshes of the fleet gauges that failed; the gauges then show the previous values")
        .register(meters);
  }

  public void start() {
    ticker.scheduleWithFixedDelay(this::refreshQuietly, 0, interval.toMillis(), TimeUnit.MILLISECONDS);
  }

  private void refreshQuietly() {
    try {
      gauges.refresh();
    } catch (RuntimeException e) {
      errors.increment();
      log.warn("fleet gauges: refresh failed, keeping the previous values: {}", e.toString());
    }
  }

  @Override
  public void close() {
    ticker.shutdownNow();
    try {
      ticker.awaitTermination(5, TimeUnit.SECONDS);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
  }
}
