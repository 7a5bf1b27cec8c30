package dev.workmesh.watchdog.config;

import dev.workmesh.core.MeshCore;
import dev.workmesh.core.leader.MaintenanceLoop;
import dev.workmesh.core.loop.PeriodicLoop;
import dev.workmesh.watchdog.metrics.FleetGauges;
import io.micrometer.core.instrument.MeterRegistry;
import java.time.Clock;
import javax.sql.DataSource;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.boot.context.properties.EnableConfigurationProperties;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;
import org.springframework.transaction.PlatformTransactionManager;

/**
 * Wires the watchdog: mesh-core on the service's data source, the leader-only {@link WatchdogLoop}, and the
 * fleet gauges refreshed on every replica.
 */
@Configuration(proxyBeanMethods = false)
@EnableConfigurationProperties(WatchdogProperties.class)
public class WatchdogConfiguration {

  /** The fleet gauges' refresh in the loop meters. */
  public static final String FLEET_GAUGES_LOOP = "fleet-gauges";

  private static final Logger log = LoggerFactory.getLogger(WatchdogConfiguration.class);

  @Bean
  Clock clock() {
    return Clock.systemUTC();
  }

  @Bean
  MeshCore meshCore(DataSource dataSource, PlatformTransactionManager transactions, Clock clock,
      WatchdogProperties properties) {
    if (properties.migrateSchema()) {
      MeshCore.migrate(dataSource);
    }
    // The watchdog claims nothing, so the claim lease setting is unused here. The retry backoff applies to
    // the tasks it rescues: mesh-core's default, which every service must share (no mesh-wide key yet).
    return MeshCore.on(dataSource, transactions, clock, MeshCore.Settings.defaults());
  }

  @Bean(initMethod = "start", destroyMethod = "close")
  MaintenanceLoop watchdogLoop(MeshCore core, WatchdogProperties properties, MeterRegistry meters) {
    log.info("watchdog {}: heartbeat interval {}, unhealthy after {}, disconnected after {}, sweep every {}",
        properties.replicaId(), properties.heartbeatInterval(), properties.staleThreshold(),
        properties.disconnectThreshold(), properties.sweepInterval());
    return WatchdogLoop.create(core, properties, meters);
  }

  @Bean
  FleetGauges fleetGauges(MeshCore core, MeterRegistry meters) {
    return new FleetGauges(core.db(), meters);
  }

  /** Refreshes the fleet gauges on every replica (reads only); a failed refresh keeps the previous values. */
  @Bean(initMethod = "start", destroyMethod = "close")
  PeriodicLoop fleetGaugeRefresh(FleetGauges gauges, WatchdogProperties properties, MeterRegistry meters) {
    return PeriodicLoop.every(FLEET_GAUGES_LOOP, properties.metricsRefreshInterval())
        .running(gauges::refresh)
        .meters(meters)
        .build();
  }
}
