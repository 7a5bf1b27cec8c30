package dev.workmesh.bench.peer;

import com.github.kagkarlsson.scheduler.Scheduler;
import com.github.kagkarlsson.scheduler.SchedulerClient;
import com.github.kagkarlsson.scheduler.event.AbstractSchedulerListener;
import com.github.kagkarlsson.scheduler.task.ExecutionComplete;
import com.github.kagkarlsson.scheduler.task.TaskInstance;
import com.github.kagkarlsson.scheduler.task.helper.OneTimeTask;
import com.github.kagkarlsson.scheduler.task.helper.Tasks;
import com.zaxxer.hikari.HikariDataSource;
import dev.workmesh.bench.infra.CpuMeter;
import dev.workmesh.bench.report.Audit;
import dev.workmesh.bench.report.ScenarioResult;
import dev.workmesh.testsupport.TestDatabase;
import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;

/**
 * The peer: db-scheduler (the library Workmesh's conventions take as their model) executing no-op
 * one-time tasks on the same PostgreSQL with W executor threads and lock-and-fetch polling
 * ({@code UPDATE ... WHERE (name, instance) IN (SELECT ... FOR UPDATE SKIP LOCKED) RETURNING}), its
 * fastest strategy on PostgreSQL. The executions are scheduled first, then drained: the peer's best case.
 */
public final class DbSchedulerPeer {

  /** db-scheduler's PostgreSQL table, as its documentation gives it. */
  private static final String SCHEMA = """
      CREATE TABLE scheduled_tasks (
        task_name text NOT NULL,
        task_instance text NOT NULL,
        task_data bytea,
        execution_time timestamp with time zone NOT NULL,
        picked BOOLEAN NOT NULL,
        picked_by text,
        last_success timestamp with time zone,
        last_failure timestamp with time zone,
        consecutive_failures INT,
        last_heartbeat timestamp with time zone,
        version BIGINT NOT NULL,
        priority SMALLINT,
        PRIMARY KEY (task_name, task_instance)
      );
      CREATE INDEX execution_time_idx ON scheduled_tasks (execution_time);
      CREATE INDEX last_heartbeat_idx ON scheduled_tasks (last_heartbeat);
      CREATE INDEX priority_execution_time_idx ON scheduled_tasks (priority DESC, execution_time ASC)
      """;

  private static final Duration TIME_LIMIT = Duration.ofMinutes(5);

  private DbSchedulerPeer() {}

  public static ScenarioResult run(String key, TestDatabase database, CpuMeter cpu, int tasks, int workers)
      throws InterruptedException {
    try (HikariDataSource ds = database.newDataSource(workers + 4)) {
      execute(ds, SCHEMA);
      // Warm-up on another task name: JIT, connections; then measure on a clean table.
      drain(ds, "bench-warmup", Math.min(tasks, 1_000), workers, null);
      execute(ds, "DELETE FROM scheduled_tasks");
      execute(ds, "VACUUM ANALYZE scheduled_tasks");
      Run run = drain(ds, "bench-noop", tasks, workers, cpu);

      List<String> problems = new ArrayList<>();
      long duplicates = run.executions.values().stream().filter(n -> n.get() > 1).count();
      long lost = tasks - run.executions.size();
      long leftover = count(ds, "SELECT count(*) FROM scheduled_tasks");
      if (leftover > 0) {
        problems.add(leftover + " executions were left in scheduled_tasks (not completed)");
      }
      if (run.failed.get() > 0) {
        problems.add(run.failed.get() + " executions completed with a failure");
      }
      long once = run.executions.values().stream().filter(n -> n.get() == 1).count();
      Map<String, Object> details = new LinkedHashMap<>();
      details.put("workers", workers);
      details.put("polling", "lock-and-fetch (lower 0.5, upper 1.0 of threads)");
      details.put("schedule_seconds", round(run.scheduleSeconds));
      details.put("completions_counted", run.completions.get());
      details.put("cpu_ms_per_task", run.cpuPerTask);
      return new ScenarioResult(key, "db-scheduler " + dbSchedulerVersion() + ", lock-and-fetch", tasks, run.seconds,
          ScenarioResult.rate(tasks, run.seconds), null, new Audit(tasks, once, duplicates, lost, problems), details);
    }
  }

  private record Run(double seconds, double scheduleSeconds, Map<String, AtomicInteger> executions,
      AtomicLong completions, AtomicLong failed, Map<String, Double> cpuPerTask) {}

  private static Run drain(HikariDataSource ds, String taskName, int tasks, int workers, CpuMeter cpu)
      throws InterruptedException {
    Map<String, AtomicInteger> executions = new ConcurrentHashMap<>(tasks * 2);
    OneTimeTask<Void> noop = Tasks.oneTime(taskName)
        .execute((instance, context) -> executions.computeIfAbsent(instance.getId(), id -> new AtomicInteger())
            .incrementAndGet());

    long scheduleStart = System.nanoTime();
    SchedulerClient client = SchedulerClient.Builder.create(ds, noop).build();
    Instant due = Instant.now();
    List<TaskInstance<?>> batch = new ArrayList<>(1_000);
    for (int i = 0; i < tasks; i++) {
      batch.add(noop.instance("t" + i));
      if (batch.size() == 1_000 || i == tasks - 1) {
        client.scheduleBatch(batch, due);
        batch.clear();
      }
    }
    double scheduleSeconds = (System.nanoTime() - scheduleStart) / 1e9;

    AtomicLong completions = new AtomicLong();
    AtomicLong failed = new AtomicLong();
    CountDownLatch allDone = new CountDownLatch(1);
    Scheduler scheduler = Scheduler.create(ds, noop)
        .threads(workers)
        .pollUsingLockAndFetch(0.5, 1.0)
        .pollingInterval(Duration.ofSeconds(1))
        .heartbeatInterval(Duration.ofSeconds(30))
        .addSchedulerListener(new AbstractSchedulerListener() {
          @Override
          public void onExecutionComplete(ExecutionComplete complete) {
            if (complete.getResult() != ExecutionComplete.Result.OK) {
              failed.incrementAndGet();
            }
            if (completions.incrementAndGet() == tasks) {
              allDone.countDown();
            }
          }
        })
        .build();
    CpuMeter.Snapshot before = cpu == null ? null : cpu.take();
    long start = System.nanoTime();
    scheduler.start();
    try {
      if (!allDone.await(TIME_LIMIT.toMillis(), TimeUnit.MILLISECONDS)) {
        throw new IllegalStateException("db-scheduler completed " + completions.get() + " of " + tasks
            + " executions in " + TIME_LIMIT);
      }
      double seconds = (System.nanoTime() - start) / 1e9;
      Map<String, Double> cpuPerTask = cpu == null ? Map.of() : CpuMeter.perTask(before, cpu.take(), tasks);
      return new Run(seconds, scheduleSeconds, executions, completions, failed, cpuPerTask);
    } finally {
      scheduler.stop();
    }
  }

  /** The version on the classpath, from the jar's Maven metadata. */
  private static String dbSchedulerVersion() {
    try (var in = Scheduler.class.getResourceAsStream(
        "/META-INF/maven/com.github.kagkarlsson/db-scheduler/pom.properties")) {
      java.util.Properties p = new java.util.Properties();
      if (in != null) {
        p.load(in);
      }
      return p.getProperty("version", "(version unknown)");
    } catch (java.io.IOException e) {
      return "(version unknown)";
    }
  }

  private static double round(double v) {
    return Math.round(v * 1000) / 1000.0;
  }

  private static long count(HikariDataSource ds, String sql) {
    try (Connection c = ds.getConnection(); Statement s = c.createStatement(); ResultSet rs = s.executeQuery(sql)) {
      rs.next();
      return rs.getLong(1);
    } catch (SQLException e) {
      throw new IllegalStateException(e.getMessage(), e);
    }
  }

  private static void execute(HikariDataSource ds, String sql) {
    try (Connection c = ds.getConnection(); Statement s = c.createStatement()) {
      s.execute(sql);
    } catch (SQLException e) {
      throw new IllegalStateException("db-scheduler peer: " + e.getMessage() + " in: " + sql, e);
    }
  }
}
