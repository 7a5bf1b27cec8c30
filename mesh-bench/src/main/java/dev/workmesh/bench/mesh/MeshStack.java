package dev.workmesh.bench.mesh;

import com.zaxxer.hikari.HikariDataSource;
import dev.workmesh.bench.BenchOptions;
import dev.workmesh.bench.infra.BenchInfra;
import dev.workmesh.bench.infra.CpuMeter;
import dev.workmesh.bench.report.Audit;
import dev.workmesh.client.MeshClient;
import dev.workmesh.client.model.TaskRequest;
import dev.workmesh.client.model.TaskView;
import dev.workmesh.core.outbox.MeshTopics;
import dev.workmesh.testsupport.TestDatabase;
import dev.workmesh.testsupport.TestKafka;
import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.UUID;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.function.IntFunction;

/**
 * One Workmesh scenario's world: its own database and topic prefix, mesh-api in-process on them, a
 * mission, W task-workers with their own agents, and the clients' ledger. Closing it stops the workers and
 * the API.
 */
final class MeshStack implements AutoCloseable {

  static final Duration COMPLETION_LIMIT = Duration.ofMinutes(5);
  private static final Duration GROUP_ASSIGNMENT_LIMIT = Duration.ofMinutes(1);

  final TestDatabase database;
  /** What the database held before the scenario, as PostgreSQL's statistics count it: {@link MeshHistory}. */
  final Map<String, Long> history;
  final MeshApiInstance api;
  /** Every mesh-api replica, {@link #api} first. */
  final List<MeshApiInstance> replicas;
  final MeshClient operator;
  final UUID missionId;
  final ClaimLedger ledger = new ClaimLedger();
  final Set<UUID> submitted = ConcurrentHashMap.newKeySet();
  private final TestKafka kafka;
  private BenchWorkers workers;
  private NoOpRuntime noOp;

  private MeshStack(TestDatabase database, TestKafka kafka, List<MeshApiInstance> replicas, String key,
      Map<String, Long> history) {
    this.database = database;
    this.history = history;
    this.kafka = kafka;
    this.replicas = List.copyOf(replicas);
    this.api = replicas.getFirst();
    this.operator = api.operator();
    this.missionId = operator.createMission("bench-" + key, "mesh-bench scenario " + key).id();
  }

  static MeshStack open(BenchInfra infra, String key) {
    return open(infra, key, new MeshTopology(0, 1));
  }

  /** A scenario's world laid out as {@code topology} says: the topics' partitions, the mesh-api replicas. */
  static MeshStack open(BenchInfra infra, String key, MeshTopology topology) {
    TestDatabase database = infra.newDatabase(key);
    TestKafka kafka = infra.newKafka(key);
    List<MeshApiInstance> replicas = new ArrayList<>();
    try {
      MeshApiInstance first = MeshApiInstance.start(database, kafka, topology.apiSettings());
      replicas.add(first);
      Map<String, Long> history = MeshHistory.seed(database);
      for (int i = 1; i < topology.replicas(); i++) {
        replicas.add(MeshApiInstance.start(database, kafka, first.operatorToken(), topology.apiSettings()));
      }
      return new MeshStack(database, kafka, replicas, key, history);
    } catch (RuntimeException e) {
      replicas.forEach(MeshApiInstance::close);
      throw e;
    }
  }

  /**
   * Starts W task-workers on the pool's share group (which starts from the earliest record) and waits
   * until the group has given every partition to them, as in a fleet that has been running: a group that
   * has just formed leaves partitions unread for up to a share-group heartbeat (5 s), and their tasks
   * would wait for mesh-api's stranded-pool answer and a pull. Without {@code subagents} they run every
   * task with the in-process {@link NoOpRuntime}; with it they spawn the tasks' processes ({@code exec}),
   * {@code subagentSlots} at a time each.
   */
  void startWorkers(BenchOptions options, BenchWorkers.Mode mode, boolean subagents) throws InterruptedException {
    MeshTopics topics = new MeshTopics(kafka.topicPrefix());
    String group = topics.poolShareGroup("default");
    kafka.shareGroupFromEarliest(group);
    noOp = subagents ? null : new NoOpRuntime(ledger);
    workers = BenchWorkers.start(replicas.stream().map(MeshApiInstance::url).toList(), api.operatorToken(), kafka.bootstrapServers(), kafka.topicPrefix(),
        options.workers(), subagents ? options.subagentSlots() : options.slots(), options.pollRecords(), mode, noOp);
    if (!kafka.awaitShareGroupAssigned(group, topics.pooled(), options.workers(), GROUP_ASSIGNMENT_LIMIT)) {
      throw new IllegalStateException("share group " + group + " did not give every partition of " + topics.pooled()
          + " to its " + options.workers() + " workers within " + GROUP_ASSIGNMENT_LIMIT);
    }
  }

  /**
   * Fills every slot of every worker with a plug task whose attempt waits for {@link #resumeWorkers()},
   * so the workers take no record until then (a worker polls only with a free slot). Returns how many
   * plug tasks it submitted: they complete after the resume, with the measured tasks.
   */
  int pauseWorkers(BenchOptions options) throws InterruptedException {
    noOp.pause();
    List<UUID> agents = workers.agentIds();
    int slots = options.slots();
    int plugs = agents.size() * slots;
    Set<UUID> before = Set.copyOf(submitted);
    // Each worker's plugs are assigned to its agent: every slot fills at once, through the directed topic,
    // whatever partitions of the share group each worker was given.
    submit(plugs, 1, Math.min(plugs, 100),
        i -> WorkmeshScenarios.noOpTask(-1 - i).withPolicy("assigned", agents.get(i / slots)));
    List<UUID> plugIds = submitted.stream().filter(id -> !before.contains(id)).toList();
    long deadline = System.nanoTime() + COMPLETION_LIMIT.toNanos();
    while (!plugIds.stream().allMatch(id -> ledger.entries().containsKey(id) && ledger.entries().get(id).claims.get() > 0)) {
      if (System.nanoTime() > deadline) {
        throw new IllegalStateException("the workers did not take every plug task within " + COMPLETION_LIMIT);
      }
      Thread.sleep(5);
    }
    return plugs;
  }

  void resumeWorkers() {
    noOp.resume();
  }

  /** The workers' own account of what they did. */
  Map<String, Object> workerSummary() {
    return workers == null ? Map.of() : workers.summary();
  }

  /**
   * Submits {@code count} tasks from {@code threads} threads, {@code batch} per request (1: one {@code
   * submit} each; more: {@code submitAll}), recording each task's send time.
   */
  void submit(int count, int threads, int batch, IntFunction<TaskRequest> task) throws InterruptedException {
    ExecutorService pool =
        Executors.newFixedThreadPool(threads, Thread.ofPlatform().name("bench-submit-", 0).factory());
    try {
      List<Future<?>> futures = new ArrayList<>();
      for (int t = 0; t < threads; t++) {
        int from = (int) ((long) count * t / threads);
        int to = (int) ((long) count * (t + 1) / threads);
        futures.add(pool.submit(() -> {
          for (int i = from; i < to; i += batch) {
            long sent = System.nanoTime();
            if (batch == 1) {
              record(operator.submit(missionId, task.apply(i)).task(), sent);
            } else {
              List<TaskRequest> requests = new ArrayList<>(batch);
              for (int j = i; j < Math.min(to, i + batch); j++) {
                requests.add(task.apply(j));
              }
              operator.submitAll(missionId, requests).forEach(v -> record(v, sent));
            }
          }
          ledger.submitterCpu(CpuMeter.currentThreadCpuNanos());
          return null;
        }));
      }
      for (Future<?> f : futures) {
        f.get();
      }
    } catch (ExecutionException e) {
      throw new IllegalStateException("submitting failed: " + e.getCause(), e.getCause());
    } finally {
      pool.shutdownNow();
    }
  }

  void record(TaskView task, long sentAt) {
    submitted.add(task.id());
    ledger.submitted(task.id(), sentAt, sentAt);
  }

  /** Waits until the workers have reported {@code total} tasks since the scenario began. */
  void awaitCompletions(long total) {
    if (!ledger.awaitCompletions(workers::completions, total, COMPLETION_LIMIT)) {
      throw new IllegalStateException("workers completed " + ledger.completions() + " of " + total + " tasks within "
          + COMPLETION_LIMIT + " (client errors: " + ledger.errors() + ", first: " + ledger.firstError()
          + "; workers: " + workers.summary() + ")");
    }
  }

  /** Waits for the relay to publish every outbox row (the last completions' events), then audits. */
  Audit audit() throws InterruptedException {
    long deadline = System.nanoTime() + Duration.ofSeconds(30).toNanos();
    try (HikariDataSource ds = database.newDataSource(1)) {
      while (unpublished(ds) > 0 && System.nanoTime() < deadline) {
        Thread.sleep(20);
      }
    }
    return MeshAudit.run(database, submitted, ledger);
  }

  /**
   * Where send-to-claim time goes, stage by stage, p50 and p99 in milliseconds over {@code ids}: from the
   * benchmark's send to mesh-api inserting the task ({@code task.created_at}), from the insert to the relay
   * having Kafka's acknowledgement of the dispatch record ({@code outbox.published_at}), from there to the
   * claim's transaction ({@code attempt.claimed_at}), and from the claim to the worker starting the attempt
   * (the claim's commit, its response, the worker's intake). mesh-api runs in this JVM, so its clock is the
   * benchmark's: send and start times, taken with {@link System#nanoTime()}, are placed on it.
   */
  Map<String, Map<String, Double>> latencyBreakdown(Set<UUID> ids) {
    long epochMicrosMinusNanoTimeMicros = java.time.temporal.ChronoUnit.MICROS.between(java.time.Instant.EPOCH,
        java.time.Instant.now()) - System.nanoTime() / 1_000;
    List<UUID> measured = new ArrayList<>();
    List<Long> sent = new ArrayList<>();
    List<Long> started = new ArrayList<>();
    for (UUID id : ids) {
      ClaimLedger.Entry e = ledger.entries().get(id);
      if (e != null && e.claimedAt != 0) {
        measured.add(id);
        sent.add(e.sentAt / 1_000 + epochMicrosMinusNanoTimeMicros);
        started.add(e.claimedAt / 1_000 + epochMicrosMinusNanoTimeMicros);
      }
    }
    String sql = """
        WITH m AS (SELECT * FROM unnest(?::uuid[], ?::bigint[], ?::bigint[]) AS m(id, sent_us, started_us)),
        d AS (
          SELECT (extract(epoch FROM t.created_at) * 1e6 - m.sent_us) / 1000 AS inserted,
                 extract(epoch FROM (o.published_at - t.created_at)) * 1000 AS relayed,
                 extract(epoch FROM (a.claimed_at - o.published_at)) * 1000 AS claimed,
                 (m.started_us - extract(epoch FROM a.claimed_at) * 1e6) / 1000 AS started,
                 (m.started_us - m.sent_us) / 1000.0 AS total
          FROM m
          JOIN task t ON t.id = m.id
          JOIN attempt a ON a.task_id = t.id
          JOIN outbox o ON o.topic = 'mesh.tasks.pooled' AND o.message_key = t.id::text
        )
        SELECT stage, percentile_cont(0.5) WITHIN GROUP (ORDER BY ms) AS p50,
               percentile_cont(0.99) WITHIN GROUP (ORDER BY ms) AS p99
        FROM d, LATERAL (VALUES (1, 'send_to_inserted', inserted), (2, 'insert_to_relayed_to_kafka', relayed),
            (3, 'relayed_to_claimed', claimed), (4, 'claimed_to_worker_started', started),
            (5, 'send_to_worker_started', total)) AS s(n, stage, ms)
        GROUP BY n, stage ORDER BY n
        """;
    try (HikariDataSource ds = database.newDataSource(1); Connection c = ds.getConnection();
        java.sql.PreparedStatement s = c.prepareStatement(sql)) {
      s.setArray(1, c.createArrayOf("uuid", measured.toArray()));
      s.setArray(2, c.createArrayOf("bigint", sent.toArray()));
      s.setArray(3, c.createArrayOf("bigint", started.toArray()));
      Map<String, Map<String, Double>> out = new java.util.LinkedHashMap<>();
      try (ResultSet rs = s.executeQuery()) {
        while (rs.next()) {
          out.put(rs.getString("stage"), Map.of("p50_ms", r(rs.getDouble("p50")), "p99_ms", r(rs.getDouble("p99"))));
        }
      }
      return out;
    } catch (SQLException e) {
      return Map.of();
    }
  }

  private static double r(double v) {
    return Math.round(v * 100) / 100.0;
  }

  /**
   * Commits made in this scenario's database so far (every autocommit statement is one, so is every
   * transaction), from the server's statistics, which backends flush at least once a second.
   */
  long commits() {
    try (HikariDataSource ds = database.newDataSource(1); Connection c = ds.getConnection();
        java.sql.PreparedStatement s = c.prepareStatement(
            "SELECT xact_commit + xact_rollback FROM pg_stat_database WHERE datname = ?")) {
      s.setString(1, database.name());
      try (ResultSet rs = s.executeQuery()) {
        rs.next();
        return rs.getLong(1);
      }
    } catch (SQLException e) {
      return -1;
    }
  }

  /** Outbox rows not yet published. */
  long unpublished(HikariDataSource ds) {
    try (Connection c = ds.getConnection(); Statement s = c.createStatement();
        ResultSet rs = s.executeQuery("SELECT count(*) FROM outbox WHERE published_at IS NULL")) {
      rs.next();
      return rs.getLong(1);
    } catch (SQLException e) {
      throw new IllegalStateException(e.getMessage(), e);
    }
  }

  /** The partitions of the pooled topic, as the broker has them. */
  int pooledTopicPartitions() {
    String topic = new MeshTopics(kafka.topicPrefix()).pooled();
    try (var admin = kafka.admin()) {
      return admin.describeTopics(List.of(topic)).allTopicNames().get(30, java.util.concurrent.TimeUnit.SECONDS)
          .get(topic).partitions().size();
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new IllegalStateException("interrupted while describing " + topic, e);
    } catch (ExecutionException | java.util.concurrent.TimeoutException e) {
      throw new IllegalStateException("the broker did not describe " + topic + ": " + e, e);
    }
  }

  /** What each replica served, from its own meters, in replica order. */
  List<Map<String, Long>> servedByReplica() {
    return replicas.stream().map(MeshApiInstance::served).toList();
  }

  @Override
  public void close() {
    if (workers != null) {
      workers.close();
    }
    replicas.forEach(MeshApiInstance::close);
  }
}
