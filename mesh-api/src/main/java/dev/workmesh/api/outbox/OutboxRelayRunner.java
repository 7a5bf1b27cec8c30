package dev.workmesh.api.outbox;

import dev.workmesh.api.config.MeshApiProperties;
import dev.workmesh.core.MeshCore;
import dev.workmesh.core.db.PgNotifications;
import dev.workmesh.core.outbox.MeshTopics;
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
import java.util.concurrent.Semaphore;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.Supplier;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.context.SmartLifecycle;
import org.springframework.stereotype.Component;

/**
 * Runs the outbox relay: woken by the database's notification when rows commit, and on a slow timer as a
 * backstop. Sends go through a Resilience4j retry (a few quick tries) inside a circuit breaker (when Kafka
 * is down, stop hammering it and look again later); rows stay in the outbox until Kafka takes them.
 */
@Component
class OutboxRelayRunner implements SmartLifecycle {

  private static final Logger log = LoggerFactory.getLogger(OutboxRelayRunner.class);
  private static final Duration PURGE_EVERY = Duration.ofMinutes(1);
  private static final Duration KEEP_PUBLISHED = Duration.ofHours(1);

  private final OutboxRelay relay;
  private final MeshApiProperties.Relay settings;
  private final Semaphore wake = new Semaphore(0);
  private final Supplier<Integer> guardedRelay;
  private final AtomicLong lagRows = new AtomicLong();
  private final AtomicLong lagSeconds = new AtomicLong();
  private final MeterRegistry meters;
  private volatile boolean running;
  private Thread thread;
  private Instant lastPurge = Instant.EPOCH;
  private Instant lastLag = Instant.EPOCH;

  OutboxRelayRunner(MeshCore core, KafkaProducer<String, byte[]> producer, MeshTopics topics,
      MeshApiProperties properties, PgNotifications notifications, MeterRegistry meters) {
    this.settings = properties.relay();
    this.relay = new OutboxRelay(core.db(), producer, topics, settings.batchSize(), settings.sendTimeout());
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
    this.guardedRelay = Retry.decorateSupplier(retry, CircuitBreaker.decorateSupplier(breaker, relay::relayOnce));
    notifications.subscribe("mesh_outbox", payload -> wake.release());
    Gauge.builder("mesh_outbox_lag_rows", lagRows, AtomicLong::get)
        .description("outbox rows committed but not yet published to Kafka").register(meters);
    Gauge.builder("mesh_outbox_oldest_age_seconds", lagSeconds, AtomicLong::get)
        .description("age of the oldest unpublished outbox row").register(meters);
  }

  private void loop() {
    while (running) {
      int published = 0;
      try {
        published = guardedRelay.get();
        meters.counter("mesh_outbox_published_total").increment(published);
        maintain();
      } catch (CallNotPermittedException e) {
        // Kafka is down and the breaker is open: wait for it to half-open.
      } catch (RuntimeException e) {
        meters.counter("mesh_outbox_relay_errors_total").increment();
        log.warn("outbox relay: {}; rows stay in the outbox and are sent again", e.getMessage());
      }
      if (published < settings.batchSize()) {
        try {
          wake.tryAcquire(settings.pollInterval().toMillis(), TimeUnit.MILLISECONDS);
          wake.drainPermits();
        } catch (InterruptedException e) {
          return;
        }
      }
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
    thread = Thread.ofPlatform().daemon().name("mesh-outbox-relay").start(this::loop);
  }

  @Override
  public void stop() {
    running = false;
    if (thread != null) {
      thread.interrupt();
      try {
        thread.join(5_000);
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
      }
    }
  }

  @Override
  public boolean isRunning() {
    return running;
  }
}
