package dev.workmesh.bench.mesh;

import dev.workmesh.client.MeshClient;
import dev.workmesh.client.model.ClaimRequest;
import dev.workmesh.client.model.ClaimView;
import dev.workmesh.client.model.CompleteRequest;
import dev.workmesh.client.model.FailRequest;
import dev.workmesh.client.model.ReportRequest;
import dev.workmesh.client.model.ReportsResponse;
import dev.workmesh.worker.dispatch.DispatchHint;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.UUID;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import org.apache.kafka.clients.consumer.AcknowledgeType;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.ConsumerRecords;
import org.apache.kafka.clients.consumer.KafkaShareConsumer;
import org.apache.kafka.common.errors.WakeupException;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;
import org.apache.kafka.common.serialization.StringDeserializer;

/**
 * One competing claimer, shaped like a task-worker slot but without the worker's process management: its
 * own enrolled agent, its own share consumer of {@code mesh.tasks.pooled} in the pool's share group
 * (explicit acknowledgement, {@code record_limit} acquisition). {@link Claiming#PER_TASK}: for each
 * record a claim of that task through the API, the work, then {@code complete}, as task-worker does.
 * {@link Claiming#BATCHED}: the tasks of all records of a poll claimed in one request ({@code POST
 * /work/claims} with {@code task_ids}), worked, and reported in one request ({@code POST
 * /work/reports}). When a poll brings nothing it pulls with {@code POST /work/claims}, at most once per
 * pull interval, as an idle task-worker does on its idle-pull timer. Every record is accepted: records are
 * hints, the claim decides.
 */
final class WorkerLoop implements AutoCloseable {

  /** How a loop claims and reports. */
  enum Claiming { PER_TASK, BATCHED }

  private static final Duration POLL_TIMEOUT = Duration.ofMillis(100);

  private final String name;
  private final MeshClient client;
  private final Map<String, Object> consumerConfig;
  private final String topic;
  private final TaskWork work;
  private final Claiming claiming;
  private final ClaimLedger ledger;
  private final int pullMax;
  private final long pullEveryNanos;
  private long lastPull;
  private final CountDownLatch stopped = new CountDownLatch(1);
  private volatile boolean running = true;
  private volatile boolean paused;
  private volatile boolean idle;
  private volatile KafkaShareConsumer<String, byte[]> consumer;

  WorkerLoop(String name, MeshClient client, String bootstrapServers, String shareGroup, String topic, int pollRecords,
      TaskWork work, Claiming claiming, ClaimLedger ledger, int pullMax, Duration pullEvery) {
    this.name = name;
    this.client = client;
    this.topic = topic;
    this.work = work;
    this.claiming = claiming;
    this.ledger = ledger;
    this.pullMax = pullMax;
    this.pullEveryNanos = pullEvery.toNanos();
    this.lastPull = System.nanoTime() - pullEveryNanos;
    Map<String, Object> config = new HashMap<>();
    config.put(ConsumerConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrapServers);
    config.put(ConsumerConfig.GROUP_ID_CONFIG, shareGroup);
    config.put(ConsumerConfig.CLIENT_ID_CONFIG, name);
    config.put(ConsumerConfig.KEY_DESERIALIZER_CLASS_CONFIG, StringDeserializer.class);
    config.put(ConsumerConfig.VALUE_DESERIALIZER_CLASS_CONFIG, ByteArrayDeserializer.class);
    config.put(ConsumerConfig.SHARE_ACKNOWLEDGEMENT_MODE_CONFIG, "explicit");
    config.put(ConsumerConfig.SHARE_ACQUIRE_MODE_CONFIG, "record_limit");
    config.put(ConsumerConfig.MAX_POLL_RECORDS_CONFIG, claiming == Claiming.PER_TASK ? 1 : pollRecords);
    this.consumerConfig = config;
  }

  void start() {
    Thread.ofPlatform().name(name).start(this::run);
  }

  /** Stops polling and pulling after the current record; {@link #isIdle} says when it has. */
  void pause() {
    paused = true;
  }

  void resume() {
    paused = false;
  }

  boolean isIdle() {
    return idle;
  }

  private void run() {
    try (KafkaShareConsumer<String, byte[]> shareConsumer = new KafkaShareConsumer<>(consumerConfig)) {
      consumer = shareConsumer;
      shareConsumer.subscribe(List.of(topic));
      while (running) {
        if (paused) {
          idle = true;
          TimeUnit.MILLISECONDS.sleep(1);
          continue;
        }
        idle = false;
        try {
          long polled = System.nanoTime();
          ConsumerRecords<String, byte[]> records = shareConsumer.poll(POLL_TIMEOUT);
          ledger.timed(records.isEmpty() ? "poll_empty" : "poll_records", polled);
          if (claiming == Claiming.BATCHED) {
            handleAll(records);
          }
          for (ConsumerRecord<String, byte[]> record : records) {
            if (claiming == Claiming.PER_TASK) {
              handle(record);
            }
            shareConsumer.acknowledge(record, AcknowledgeType.ACCEPT);
          }
          if (records.isEmpty() && running && !paused && System.nanoTime() - lastPull >= pullEveryNanos) {
            pull();
          }
        } catch (WakeupException e) {
          break;
        } catch (RuntimeException e) {
          ledger.error(e);
        }
      }
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    } catch (RuntimeException e) {
      ledger.error(e);
    } finally {
      consumer = null;
      stopped.countDown();
    }
  }

  private void handle(ConsumerRecord<String, byte[]> record) {
    Optional<DispatchHint> hint = DispatchHint.parse(record.value());
    if (hint.isEmpty()) {
      return;
    }
    try {
      long started = System.nanoTime();
      Optional<ClaimView> claim = client.claimTask(hint.get().taskId());
      ledger.timed(claim.isPresent() ? "claim_task" : "claim_task_stale", started);
      ledger.hint(claim.isEmpty());
      claim.ifPresent(c -> execute(c, false));
    } catch (RuntimeException e) {
      // The task stays ready; an idle loop's pull picks it up.
      ledger.error(e);
    }
  }

  private void handleAll(ConsumerRecords<String, byte[]> records) {
    List<UUID> taskIds = new ArrayList<>();
    for (ConsumerRecord<String, byte[]> record : records) {
      DispatchHint.parse(record.value()).ifPresent(h -> taskIds.add(h.taskId()));
    }
    if (taskIds.isEmpty()) {
      return;
    }
    try {
      long started = System.nanoTime();
      List<ClaimView> claims = client.claimTasks(taskIds);
      ledger.timed(claims.isEmpty() ? "claim_tasks_stale" : "claim_tasks", started);
      for (int i = 0; i < taskIds.size(); i++) {
        ledger.hint(i >= claims.size());
      }
      executeAll(claims, false);
    } catch (RuntimeException e) {
      // The tasks stay ready (or claimed until their leases lapse); an idle loop's pull picks them up.
      ledger.error(e);
    }
  }

  /** Works every claim, then reports them all in one request. */
  private void executeAll(List<ClaimView> claims, boolean pulled) {
    if (claims.isEmpty()) {
      return;
    }
    List<ReportRequest> reports = new ArrayList<>(claims.size());
    for (ClaimView claim : claims) {
      ledger.claimed(claim.task().id(), System.nanoTime(), pulled);
      long started = System.nanoTime();
      TaskWork.Done done = work.run(claim);
      ledger.timed("work", started);
      reports.add(done.ok()
          ? ReportRequest.succeeded(claim.task().id(), claim.claimToken(), null, done.exitCode(), null)
          : ReportRequest.failed(claim.task().id(),
              new FailRequest(claim.claimToken(), done.error(), "failed", false, done.exitCode(), null)));
    }
    long started = System.nanoTime();
    List<ReportsResponse.Result> results = client.report(reports);
    ledger.timed("report", started);
    long now = System.nanoTime();
    for (ReportsResponse.Result r : results) {
      if (r.accepted()) {
        ledger.completed(r.taskId(), now);
      } else {
        ledger.error(new IllegalStateException("report on " + r.taskId() + " refused: " + r.status() + " " + r.detail()));
      }
    }
  }

  private void pull() {
    lastPull = System.nanoTime();
    ledger.pulled();
    long started = System.nanoTime();
    List<ClaimView> claims = client.claim(new ClaimRequest(null, null, pullMax, 0));
    ledger.timed(claims.isEmpty() ? "pull_empty" : "pull_claims", started);
    if (claiming == Claiming.BATCHED) {
      executeAll(claims, true);
      return;
    }
    for (ClaimView claim : claims) {
      execute(claim, true);
    }
  }

  private void execute(ClaimView claim, boolean pulled) {
    ledger.claimed(claim.task().id(), System.nanoTime(), pulled);
    long started = System.nanoTime();
    TaskWork.Done done = work.run(claim);
    ledger.timed("work", started);
    started = System.nanoTime();
    if (done.ok()) {
      client.complete(claim.task().id(), new CompleteRequest(claim.claimToken(), null, done.exitCode(), null));
      ledger.timed("complete", started);
    } else {
      client.fail(claim.task().id(), new FailRequest(claim.claimToken(), done.error(), "failed", false,
          done.exitCode(), null));
      ledger.timed("fail", started);
    }
    ledger.completed(claim.task().id(), System.nanoTime());
  }

  @Override
  public void close() {
    running = false;
    KafkaShareConsumer<String, byte[]> current = consumer;
    if (current != null) {
      current.wakeup();
    }
    try {
      stopped.await(30, TimeUnit.SECONDS);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
  }
}
