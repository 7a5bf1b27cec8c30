package dev.workmesh.scheduler;

import com.zaxxer.hikari.HikariDataSource;
import dev.workmesh.core.MeshCore;
import dev.workmesh.core.MeshJson;
import dev.workmesh.core.db.MeshDb;
import dev.workmesh.scheduler.fire.FireLedger;
import dev.workmesh.scheduler.fire.FireMetrics;
import dev.workmesh.scheduler.fire.FireRecord;
import dev.workmesh.scheduler.fire.JobFirer;
import dev.workmesh.scheduler.fire.ScheduleTicker;
import dev.workmesh.scheduler.job.DueFirePlanner;
import dev.workmesh.scheduler.job.JobDefinition;
import dev.workmesh.scheduler.job.JobFileLoader;
import dev.workmesh.scheduler.registry.JobFileWatcher;
import dev.workmesh.scheduler.registry.JobRegistry;
import dev.workmesh.scheduler.registry.ScheduleStateStore;
import dev.workmesh.testsupport.MutableClock;
import dev.workmesh.testsupport.TestDatabase;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneId;
import java.util.Comparator;
import java.util.List;
import org.springframework.jdbc.datasource.DataSourceTransactionManager;

/**
 * The scheduler's components on a test class's own database, without Spring: each {@link Replica} is
 * what one scheduler process holds (its own registry, firer and ticker), all sharing the database, the
 * job file and a clock the test moves.
 */
public final class SchedulerHarness implements AutoCloseable {

  public final HikariDataSource dataSource;
  public final DataSourceTransactionManager transactions;
  public final MutableClock clock;
  public final MeshCore core;
  public final FireLedger ledger;
  public final ScheduleStateStore states;
  public final SimpleMeterRegistry meters = new SimpleMeterRegistry();
  public final Path jobsFile;

  public SchedulerHarness(TestDatabase database, Path jobsFile, Instant start) {
    this.dataSource = database.newDataSource(24);
    MeshCore.migrate(dataSource);
    this.transactions = new DataSourceTransactionManager(dataSource);
    this.clock = new MutableClock(start);
    this.core = new MeshCore(new MeshDb(dataSource, transactions, clock, MeshJson.mapper()),
        MeshCore.Settings.defaults());
    this.ledger = new FireLedger(core.db());
    this.states = new ScheduleStateStore(core.db());
    this.jobsFile = jobsFile;
  }

  /** One scheduler process; its registry has loaded the job file. */
  public final class Replica {
    public final String id;
    public final JobRegistry registry;
    public final JobFileWatcher watcher;
    public final JobFirer firer;
    public final ScheduleTicker ticker;

    Replica(String id) {
      this.id = id;
      this.registry = new JobRegistry(jobsFile, new JobFileLoader(ZoneId.of("UTC")), states, clock);
      this.watcher = new JobFileWatcher(registry);
      FireMetrics metrics = new FireMetrics(meters);
      this.firer = new JobFirer(core, ledger, transactions, id, metrics);
      this.ticker = new ScheduleTicker(registry, states, ledger, firer, new DueFirePlanner(Duration.ofMinutes(1)),
          clock, metrics);
      registry.reload();
    }

    public JobDefinition job(String name) {
      return registry.current().job(name).orElseThrow();
    }
  }

  public Replica replica(String id) {
    return new Replica(id);
  }

  public void writeJobs(String toml) {
    try {
      Files.writeString(jobsFile, toml);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  /** Every fire record of a job, oldest scheduled instant first. */
  public List<FireRecord> fires(String job) {
    return ledger.history(job, 10_000).stream().sorted(Comparator.comparing(FireRecord::scheduledAt)).toList();
  }

  /** Tasks the scheduler submitted for a job. */
  public long tasksOf(String job) {
    return core.db().jdbc().sql("SELECT count(*) FROM task WHERE submitted_by = :by")
        .param("by", "scheduler:" + job).query(Long.class).single();
  }

  /** A minimal job table: a cron or interval job into mission {@code ops-<name>}. */
  public static String job(String name, String scheduleLine, String extra) {
    return """
        [[job]]
        name = "%s"
        %s
        mission = "ops-%s"
        %s
        [job.task]
        title = "Run %s"
        """.formatted(name, scheduleLine, name, extra, name);
  }

  @Override
  public void close() {
    dataSource.close();
  }
}
