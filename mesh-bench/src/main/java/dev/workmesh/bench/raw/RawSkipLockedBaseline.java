package dev.workmesh.bench.raw;

import com.zaxxer.hikari.HikariDataSource;
import dev.workmesh.bench.infra.CpuMeter;
import dev.workmesh.bench.report.Audit;
import dev.workmesh.bench.report.ScenarioResult;
import dev.workmesh.testsupport.TestDatabase;
import java.sql.Array;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.atomic.AtomicReference;

/**
 * The database's own limit for this work: W threads drain a minimal table with the textbook loop, each
 * transaction claiming the oldest ready rows with {@code FOR UPDATE SKIP LOCKED} and completing them,
 * then committing. No HTTP, no Kafka, no outbox, no attempt rows: what any queue on this PostgreSQL can
 * at best do. Run with one task per transaction and with {@code batch} per transaction.
 */
public final class RawSkipLockedBaseline {

  private static final String SCHEMA = """
      CREATE TABLE raw_task (
        id          bigserial   PRIMARY KEY,
        status      text        NOT NULL DEFAULT 'ready',
        payload     text        NOT NULL,
        claimed_by  int,
        completions int         NOT NULL DEFAULT 0,
        done_at     timestamptz
      );
      CREATE INDEX raw_task_ready ON raw_task (id) WHERE status = 'ready'
      """;

  private static final String CLAIM =
      "SELECT id FROM raw_task WHERE status = 'ready' ORDER BY id LIMIT ? FOR UPDATE SKIP LOCKED";
  private static final String COMPLETE =
      "UPDATE raw_task SET status = 'done', claimed_by = ?, completions = completions + 1, done_at = now()"
          + " WHERE id = ANY(?)";

  private RawSkipLockedBaseline() {}

  public static ScenarioResult run(String key, TestDatabase database, CpuMeter cpu, int tasks, int perTransaction,
      int workers) throws InterruptedException {
    try (HikariDataSource ds = database.newDataSource(workers + 1)) {
      execute(ds, SCHEMA);
      fill(ds, Math.min(tasks, 2_000));
      drain(ds, perTransaction, workers, new AtomicLong()); // warm-up: JIT and connections, then an empty table again
      execute(ds, "TRUNCATE raw_task RESTART IDENTITY");
      fill(ds, tasks);
      execute(ds, "VACUUM ANALYZE raw_task");

      AtomicLong workerCpu = new AtomicLong();
      CpuMeter.Snapshot before = cpu.take();
      long start = System.nanoTime();
      long transactions = drain(ds, perTransaction, workers, workerCpu);
      double seconds = (System.nanoTime() - start) / 1e9;
      CpuMeter.Snapshot after = cpu.take();

      Map<String, Object> details = new LinkedHashMap<>();
      details.put("tasks_per_transaction", perTransaction);
      details.put("transactions", transactions);
      details.put("workers", workers);
      details.put("cpu_ms_per_task", CpuMeter.perTask(before, after, tasks,
          Map.of(CpuMeter.group("raw-worker-"), workerCpu.get())));
      String name = "raw SKIP LOCKED, " + perTransaction + "/tx";
      return new ScenarioResult(key, name, tasks, seconds, ScenarioResult.rate(tasks, seconds), null,
          audit(ds, tasks), details);
    }
  }

  private static void fill(HikariDataSource ds, int tasks) {
    execute(ds, "INSERT INTO raw_task (payload) SELECT 'noop-' || g FROM generate_series(1, " + tasks + ") g");
  }

  /** Runs the loop on {@code workers} threads until no ready row is left; returns the transactions made. */
  private static long drain(HikariDataSource ds, int perTransaction, int workers, AtomicLong workerCpu)
      throws InterruptedException {
    AtomicLong transactions = new AtomicLong();
    AtomicReference<Throwable> failure = new AtomicReference<>();
    CountDownLatch done = new CountDownLatch(workers);
    List<Thread> threads = new ArrayList<>();
    for (int w = 0; w < workers; w++) {
      int worker = w;
      threads.add(Thread.ofPlatform().name("raw-worker-" + w).start(() -> {
        try (Connection c = ds.getConnection()) {
          c.setAutoCommit(false);
          try (PreparedStatement claim = c.prepareStatement(CLAIM);
              PreparedStatement complete = c.prepareStatement(COMPLETE)) {
            while (true) {
              List<Long> ids = new ArrayList<>(perTransaction);
              claim.setInt(1, perTransaction);
              try (ResultSet rs = claim.executeQuery()) {
                while (rs.next()) {
                  ids.add(rs.getLong(1));
                }
              }
              if (ids.isEmpty()) {
                // Rows skipped as locked belong to another worker, which completes them: drained.
                c.commit();
                return;
              }
              Array array = c.createArrayOf("bigint", ids.toArray());
              complete.setInt(1, worker);
              complete.setArray(2, array);
              complete.executeUpdate();
              c.commit();
              transactions.incrementAndGet();
            }
          }
        } catch (SQLException | RuntimeException e) {
          failure.compareAndSet(null, e);
        } finally {
          workerCpu.addAndGet(CpuMeter.currentThreadCpuNanos());
          done.countDown();
        }
      }));
    }
    done.await();
    if (failure.get() != null) {
      throw new IllegalStateException("the raw SKIP LOCKED loop failed: " + failure.get(), failure.get());
    }
    return transactions.get();
  }

  private static Audit audit(HikariDataSource ds, int expected) {
    try (Connection c = ds.getConnection(); Statement s = c.createStatement();
        ResultSet rs = s.executeQuery("SELECT count(*) AS total,"
            + " count(*) FILTER (WHERE status = 'done' AND completions = 1) AS once,"
            + " count(*) FILTER (WHERE completions > 1) AS dup,"
            + " count(*) FILTER (WHERE status <> 'done' OR completions = 0) AS lost FROM raw_task")) {
      rs.next();
      List<String> problems = new ArrayList<>();
      if (rs.getLong("total") != expected) {
        problems.add("the table holds " + rs.getLong("total") + " rows, " + expected + " were inserted");
      }
      return new Audit(expected, rs.getLong("once"), rs.getLong("dup"), rs.getLong("lost"), problems);
    } catch (SQLException e) {
      throw new IllegalStateException("could not audit the raw table: " + e.getMessage(), e);
    }
  }

  private static void execute(HikariDataSource ds, String sql) {
    try (Connection c = ds.getConnection(); Statement s = c.createStatement()) {
      s.execute(sql);
    } catch (SQLException e) {
      throw new IllegalStateException("raw baseline: " + e.getMessage() + " in: " + sql, e);
    }
  }
}
