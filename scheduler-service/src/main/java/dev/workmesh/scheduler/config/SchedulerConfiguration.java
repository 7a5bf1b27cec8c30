package dev.workmesh.scheduler.config;

import dev.workmesh.web.OpenApiDocumentController;
import dev.workmesh.core.MeshCore;
import dev.workmesh.core.leader.MaintenanceLoop;
import dev.workmesh.scheduler.fire.FireLedger;
import dev.workmesh.scheduler.fire.FireMetrics;
import dev.workmesh.scheduler.fire.JobFirer;
import dev.workmesh.scheduler.fire.ScheduleTicker;
import dev.workmesh.scheduler.job.DueFirePlanner;
import dev.workmesh.scheduler.job.JobFileLoader;
import dev.workmesh.scheduler.maintenance.FireRecordCleaner;
import dev.workmesh.scheduler.maintenance.SchedulerMaintenance;
import dev.workmesh.scheduler.registry.JobFileWatcher;
import dev.workmesh.scheduler.registry.JobRegistry;
import dev.workmesh.scheduler.registry.ScheduleStateStore;
import io.micrometer.core.instrument.MeterRegistry;
import java.time.Clock;
import javax.sql.DataSource;
import org.springframework.boot.context.properties.EnableConfigurationProperties;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;
import org.springframework.transaction.PlatformTransactionManager;

/**
 * Wires mesh-core and the scheduler on Spring Boot's data source and transaction manager. Flyway
 * (spring-boot-starter-flyway) applies mesh-core's migrations before any of this touches the database;
 * the loops start in {@link SchedulerRuntime}, once the context is up.
 */
@Configuration(proxyBeanMethods = false)
@EnableConfigurationProperties(SchedulerProperties.class)
public class SchedulerConfiguration {

  /** The schedules API's OpenAPI document, {@code openapi/scheduler-service.yaml}, at {@code /v3/api-docs}. */
  @Bean
  OpenApiDocumentController openApiDocument() {
    return new OpenApiDocumentController("/openapi/scheduler-service.yaml");
  }

  @Bean
  Clock clock() {
    return Clock.systemUTC();
  }

  @Bean
  MeshCore meshCore(DataSource dataSource, PlatformTransactionManager transactions, Clock clock) {
    return MeshCore.on(dataSource, transactions, clock, MeshCore.Settings.defaults());
  }

  @Bean
  FireMetrics fireMetrics(MeterRegistry meters) {
    return new FireMetrics(meters);
  }

  @Bean
  FireLedger fireLedger(MeshCore core) {
    return new FireLedger(core.db());
  }

  @Bean
  ScheduleStateStore scheduleStateStore(MeshCore core) {
    return new ScheduleStateStore(core.db());
  }

  @Bean
  JobRegistry jobRegistry(SchedulerProperties properties, ScheduleStateStore states, Clock clock) {
    return new JobRegistry(properties.jobsFile(), new JobFileLoader(properties.zone()), states, clock);
  }

  @Bean
  JobFileWatcher jobFileWatcher(JobRegistry registry) {
    return new JobFileWatcher(registry);
  }

  @Bean
  JobFirer jobFirer(MeshCore core, FireLedger ledger, PlatformTransactionManager transactions,
      SchedulerProperties properties, FireMetrics metrics) {
    return new JobFirer(core, ledger, transactions, properties.replicaId(), metrics);
  }

  @Bean
  ScheduleTicker scheduleTicker(JobRegistry registry, ScheduleStateStore states, FireLedger ledger, JobFirer firer,
      SchedulerProperties properties, Clock clock, FireMetrics metrics) {
    return new ScheduleTicker(registry, states, ledger, firer, new DueFirePlanner(properties.misfireGrace()), clock,
        metrics);
  }

  @Bean
  FireRecordCleaner fireRecordCleaner(FireLedger ledger, Clock clock, SchedulerProperties properties) {
    return new FireRecordCleaner(ledger, clock, properties.fireRetention(), properties.fireGcInterval(),
        properties.fireGcBatch());
  }

  @Bean
  MaintenanceLoop schedulerMaintenance(MeshCore core, FireRecordCleaner cleaner, SchedulerProperties p,
      MeterRegistry meters) {
    return SchedulerMaintenance.create(core, p.replicaId(), p.leaderLeaseTerm(), p.leaderLeaseMargin(),
        p.maintenanceInterval(),
        SchedulerMaintenance.jobs(core, cleaner, p.promoteBatch(), p.redispatchAfter(), p.redispatchBatch()), meters);
  }

  @Bean
  SchedulerRuntime schedulerRuntime(JobRegistry registry, JobFileWatcher watcher, ScheduleTicker ticker,
      MaintenanceLoop maintenance, SchedulerProperties properties, MeterRegistry meters) {
    return new SchedulerRuntime(registry, watcher, ticker, maintenance, properties, meters);
  }
}
