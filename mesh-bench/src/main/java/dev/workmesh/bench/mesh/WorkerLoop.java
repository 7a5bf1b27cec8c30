package dev.workmesh.bench.mesh;

import dev.workmesh.client.MeshClient;
import dev.workmesh.client.model.ClaimRequest;
import dev.workmesh.client.model.ClaimView;
import dev.workmesh.client.model.CompleteRequest;
import dev.workmesh.client.model.FailRequest;
import dev.workmesh.worker.dispatch.DispatchHint;
import java.time.Duration;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
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
 * (explicit acknowledgement, {@code record_limit} acquisition), and for each record a claim of that task
 * through the API, the work, then {@code complete}. When a poll brings nothing it pulls with {@code POST
 * /work/claims}, at most once per pull interval, as an idle task-worker does on its idle-pull timer. Every
 * record is accepted: records are hints, the claim decides.
 */
final class WorkerLoop implements AutoCloseable {

  private static final Duration POLL_TIMEOUT = Duration.ofMillis(100);

  private final String name;
  private final MeshClient client;
  private final Map<String, Object> consumerConfig;
  private final String topic;
  private final TaskWork work;
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
      TaskWork work, ClaimLedger ledger, int pullMax, Duration pullEvery) {
    this.name = name;
    this.client = client;
    this.topic = topic;
    this.work = work;
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
    config.put(ConsumerConfig.MAX_POLL_RECORDS_CONFIG, pollRecords);
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
          for (ConsumerRecord<String, byte[]> record : records) {
            handle(record);
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

  private void pull() {
    lastPull = System.nanoTime();
    ledger.pulled();
    long started = System.nanoTime();
    List<ClaimView> claims = client.claim(new ClaimRequest(null, null, pullMax, 0));
    ledger.timed(claims.isEmpty() ? "pull_empty" : "pull_claims", started);
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
