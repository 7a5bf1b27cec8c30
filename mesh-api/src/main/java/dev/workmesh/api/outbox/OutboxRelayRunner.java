package dev.workmesh.api.outbox;

import dev.workmesh.core.db.FailFastWhenDatabaseGoneOnStop;
import dev.workmesh.api.config.MeshApiProperties;
import dev.workmesh.core.MeshCore;
import dev.workmesh.core.db.PgNotifications;
import dev.workmesh.core.loop.PeriodicLoop;
import dev.workmesh.core.outbox.MeshTopics;
import dev.workmesh.core.outbox.OutboxPublishException;
import dev.workmesh.core.outbox.OutboxRelay;
import io.github.resilience4j.circuitbreaker.CallNotPermittedException;
import io.github.resilience4j.circuitbreaker.CircuitBreaker;
import io.github.resilience4j.circuitbreaker.CircuitBreakerConfig;
import io.github.resilience4j.retry.Retry;
import io.github.resilience4j.retry.RetryConfig;
import io.github.resilience4j.core.IntervalFunction;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.MeterRegistry;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.Supplier;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.common.errors.TimeoutException;
import org.apache.kafka.common.errors.UnknownTopicOrPartitionException;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.context.SmartLifecycle;
import org.springframework.stereotype.Component;

/**
 * Runs the outbox relay on mesh-core's {@link PeriodicLoop} ({@value #LOOP}): woken right after a
 * transaction of this replica that appended rows commits, by the database's notification when rows
 * commit on any replica, and on a slow timer as a backstop; a full batch is followed by the next at
 * once. The notification of a commit of this replica is ignored, as the commit woke the loop already (a
pass that would find nothing). A failed pass is logged and counted by the loop, and the rows are sent again. Sends go through a Resilience4j retry (a few quick tries) inside a circuit breaker (when Kafka
 * is down, stop hammering it and look again later); rows stay in the outbox until Kafka takes them. A send
 * that fails because Kafka may not know a mesh topic (a broker that was replaced, or lost its data, comes
 * back without them) has the missing topics created before the retry sends the batch again.
 */
@Component
class OutboxRelayRunner implements SmartLifecycle {

  private static final Logger log = LoggerFactory.getLogger(OutboxRelayRunner.class);
  private static final Duration PURGE_EVERY = Duration.ofMinutes(1);
  private static final Duration KEEP_PUBLISHED = Duration.ofHours(1);

  /** The relay's loop name in the loop meters. */
  static final String LOOP = "outbox-relay";

  private final OutboxRelay relay;
  private final MeshTopicCreator topicCreator;
  private final MeshApiProperties.Relay settings;
  private final Supplier<Integer> guardedRelay;
  private final AtomicLong lagRows = new AtomicLong();
  private final AtomicLong lagSeconds = new AtomicLong();
  private final MeterRegistry meters;
  private final PeriodicLoop loop;
  private volatile boolean running;
  private Instant lastPurge = Instant.EPOCH;
  private Instant lastLag = Instant.EPOCH;

  OutboxRelayRunner(MeshCore core, KafkaProducer<String, byte[]> producer, MeshTopics topics,
      MeshTopicCreator topicCreator, MeshApiProperties properties, PgNotifications notifications,
      MeterRegistry meters) {
    this.settings = properties.relay();
    this.relay = new OutboxRelay(core.db(), producer, topics, settings.batchSize(), settings.sendTimeout());
    this.topicCreator = topicCreator;
    this.meters = meters;
    CircuitBreaker breaker = CircuitBreaker.of("outbox-relay", CircuitBreakerConfig.custom()
        .slidingWindowSize(5)
        .minimumNumberOfCalls(3)
        .failureRateThreshold(60)
        .waitDurationInOpenState(Duration.ofSeconds(5))
        .build());
    Retry retry = Retry.of("outbox-relay", RetryConfig.custom()
        .maxAttempts(3)
        .intervalFunction(IntervalFunction.ofExponentialRandomBackoff(Duration.ofMillis(200), 2.0))
        .ignoreExceptions(CallNotPermittedException.class)
        .build());
    this.guardedRelay = Retry.decorateSupplier(retry,
        CircuitBreaker.decorateSupplier(breaker, this::relayCreatingMissingTopics));
    this.loop = PeriodicLoop.every(LOOP, settings.pollInterval())
        .step(PeriodicLoop.Step.batched(LOOP, settings.batchSize(), this::relayOnce))
        .meters(meters)
        .build();
    core.outbox().onCommitted(loop::wake);
    notifications.subscribe("mesh_outbox", (payload, senderPid) -> {
      if (!core.outbox().signalledAlready(senderPid)) {
        loop.wake(); // another replica's commit: ours woke the loop already, on the committing thread
      }
    });
    Gauge.builder("mesh_outbox_lag_rows", lagRows, AtomicLong::get)
        .description("outbox rows committed but not yet published to Kafka").register(meters);
    Gauge.builder("mesh_outbox_oldest_age_seconds", lagSeconds, AtomicLong::get)
        .description("age of the oldest unpublished outbox row").register(meters);
  }

  /** One batch, then the lag gauges and the purge when due; returns how many rows were published. */
  private int relayOnce() {
    int published;
    try {
      published = guardedRelay.get();
    } catch (CallNotPermittedException e) {
      return 0; // Kafka is down and the breaker is open: wait for it to half-open.
    }
    meters.counter("mesh_outbox_published_total").increment(published);
    maintain();
    return published;
  }

  /** One batch; when Kafka may lack a mesh topic, creates the missing ones and fails, so that the retry resends. */
  private int relayCreatingMissingTopics() {
    try {
      return relay.relayOnce();
    } catch (OutboxPublishException e) {
      if (mayLackATopic(e)) {
        createMissingTopics();
      }
      throw e;
    }
  }

  /**
   * A producer waits for a topic it does not know until its metadata wait ends in a TimeoutException; one
   * that knew the topic before the broker lost it gets UnknownTopicOrPartitionException, or times out.
   */
  private static boolean mayLackATopic(Throwable failure) {
    for (Throwable t = failure; t != null; t = t.getCause()) {
      if (t instanceof UnknownTopicOrPartitionException || t instanceof TimeoutException) {
        return true;
      }
    }
    return false;
  }

  private void createMissingTopics() {
    try {
      List<String> created = topicCreator.createMissing(settings.sendTimeout());
      if (!created.isEmpty()) {
        meters.counter("mesh_outbox_topics_recreated_total").increment(created.size());
        log.warn("outbox relay: Kafka had lost the topics {}; created them again", created);
      }
    } catch (RuntimeException e) {
      // Kafka is unreachable, most likely: the failed send is logged and counted by the loop.
      log.debug("outbox relay: could not create missing topics: {}", e.getMessage());
    }
  }

  private void maintain() {
    Instant now = Instant.now();
    if (Duration.between(lastLag, now).toMillis() < 1_000) {
      return;
    }
    lastLag = now;
    OutboxRelay.Lag lag = relay.lag();
    lagRows.set(lag.rows());
    lagSeconds.set(lag.oldest().toSeconds());
    if (Duration.between(lastPurge, now).compareTo(PURGE_EVERY) > 0) {
      lastPurge = now;
      relay.purgePublished(KEEP_PUBLISHED);
    }
  }

  @Override
  public void start() {
    running = true;
    loop.start();
  }

  @Override
  public void stop() {
    running = false;
    loop.close();
    relay.close(); // another replica's relay takes over at its next pass
  }

  @Override
  public boolean isRunning() {
    return running;
  }

  /** Its stop may still write to the database: after the check that makes that fail fast without PostgreSQL. */
  @Override
  public int getPhase() {
    return FailFastWhenDatabaseGoneOnStop.AFTER;
  }
}
