package dev.workmesh.core.loop;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.awaitility.Awaitility.await;

import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import java.time.Duration;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Test;

/** The loop every periodic job of the mesh runs on: it survives failing steps, stops in bounded time, and counts. */
class PeriodicLoopTest {

  private final MeterRegistry meters = new SimpleMeterRegistry();

  private double runs(String loop, String step, String outcome) {
    return meters.get("mesh.loop.runs").tag("loop", loop).tag("step", step).tag("outcome", outcome).counter().count();
  }

  @Test
  void aFailingStepIsCountedAndTheLoopGoesOn() {
    AtomicInteger calls = new AtomicInteger();
    try (PeriodicLoop loop = PeriodicLoop.every("flaky", Duration.ofMillis(10)).meters(meters)
        .running(() -> {
          if (calls.incrementAndGet() % 2 == 1) {
            throw new IllegalStateException("every other run fails");
          }
        })
        .start()) {
      await().atMost(Duration.ofSeconds(10)).until(() -> calls.get() >= 6);
    }
    assertThat(runs("flaky", "flaky", "error")).isGreaterThanOrEqualTo(3);
    assertThat(runs("flaky", "flaky", "ok")).isGreaterThanOrEqualTo(2);
    assertThat(meters.get("mesh.loop.duration").tag("loop", "flaky").tag("step", "flaky").timer().count())
        .isGreaterThanOrEqualTo(5);
  }

  @Test
  void anErrorInAStepDoesNotEndTheLoopEither() {
    AtomicInteger calls = new AtomicInteger();
    try (PeriodicLoop loop = PeriodicLoop.every("erring", Duration.ofMillis(10)).meters(meters)
        .running(() -> {
          calls.incrementAndGet();
          throw new AssertionError("an Error, not an exception");
        })
        .start()) {
      await().atMost(Duration.ofSeconds(10)).until(() -> calls.get() >= 3);
    }
    assertThat(runs("erring", "erring", "error")).isGreaterThanOrEqualTo(3);
  }

  @Test
  void aStopEndsAWaitAtOnceAndAnInterruptibleRunWithinTheBound() throws Exception {
    PeriodicLoop waiting = PeriodicLoop.every("long-interval", Duration.ofHours(1)).running(() -> {}).start();
    long start = System.nanoTime();
    waiting.close();
    assertThat(Duration.ofNanos(System.nanoTime() - start)).isLessThan(Duration.ofSeconds(2));

    CountDownLatch running = new CountDownLatch(1);
    PeriodicLoop sleeping = PeriodicLoop.every("sleeper", Duration.ofMillis(10)).meters(meters).running(() -> {
      running.countDown();
      try {
        Thread.sleep(Duration.ofHours(1));
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
        throw new IllegalStateException("interrupted", e);
      }
    }).start();
    running.await();
    start = System.nanoTime();
    sleeping.close();
    assertThat(Duration.ofNanos(System.nanoTime() - start)).isLessThan(Duration.ofSeconds(2));
    assertThat(runs("sleeper", "sleeper", "error")).as("a run ended by the stop is no failure").isZero();
  }

  @Test
  void aStopReturnsWithinItsBoundEvenWhenTheRunIgnoresTheInterrupt() throws Exception {
    CountDownLatch running = new CountDownLatch(1);
    CountDownLatch release = new CountDownLatch(1);
    PeriodicLoop stubborn = PeriodicLoop.every("stubborn", Duration.ofMillis(10)).stopWithin(Duration.ofMillis(300))
        .running(() -> {
          running.countDown();
          while (true) {
            try {
              release.await();
              return;
            } catch (InterruptedException ignored) {
              // deaf to interrupts on purpose
            }
          }
        }).start();
    running.await();
    long start = System.nanoTime();
    stubborn.close();
    Duration took = Duration.ofNanos(System.nanoTime() - start);
    release.countDown();
    assertThat(took).isGreaterThanOrEqualTo(Duration.ofMillis(300)).isLessThan(Duration.ofSeconds(3));
  }

  @Test
  void aFullBatchRunsAgainAtOnceAndTheGateDecidesWhetherATickRuns() {
    AtomicInteger left = new AtomicInteger(25);
    PeriodicLoop.Step drain = new PeriodicLoop.Step() {
      @Override
      public String name() {
        return "drain";
      }

      @Override
      public int runOnce() {
        int done = Math.min(10, left.get());
        left.addAndGet(-done);
        return done;
      }

      @Override
      public int batch() {
        return 10;
      }
    };
    AtomicInteger opens = new AtomicInteger();
    PeriodicLoop loop = PeriodicLoop.every("gated", Duration.ofHours(1)).meters(meters).step(drain)
        .gate(new PeriodicLoop.Gate() {
          @Override
          public String name() {
            return "gate";
          }

          @Override
          public boolean open() {
            if (opens.incrementAndGet() == 2) {
              throw new IllegalStateException("the gate's check failed");
            }
            return opens.get() != 3;
          }
        })
        .build();

    assertThat(loop.tick()).isTrue();
    assertThat(left.get()).as("two full batches and the rest, in one tick").isZero();
    assertThat(runs("gated", "drain", "ok")).isEqualTo(3);
    assertThat(meters.get("mesh.loop.items").tag("loop", "gated").tag("step", "drain").counter().count()).isEqualTo(25);
    assertThat(loop.tick()).as("a failing gate closes the tick").isFalse();
    assertThat(runs("gated", "gate", "error")).isEqualTo(1);
    assertThat(loop.tick()).as("a closed gate").isFalse();
    assertThat(runs("gated", "drain", "ok")).isEqualTo(3);
    assertThat(runs("gated", "gate", "ok")).isEqualTo(2);
  }

  @Test
  void everyStepHasItsMetersFromTheStartUnderTheOneScheme() {
    PeriodicLoop.every("fresh", Duration.ofSeconds(1)).meters(meters).running(() -> {}).build();
    assertThat(runs("fresh", "fresh", "ok")).isZero();
    assertThat(runs("fresh", "fresh", "error")).isZero();
    assertThat(meters.find("mesh.loop.duration").tag("loop", "fresh").timer()).isNotNull();
    assertThat(meters.find("mesh.loop.items").tag("loop", "fresh").counter()).isNotNull();
  }

  @Test
  void aWakeStartsTheNextTickEarly() {
    AtomicInteger calls = new AtomicInteger();
    try (PeriodicLoop loop = PeriodicLoop.every("woken", Duration.ofHours(1)).running(calls::incrementAndGet).start()) {
      await().atMost(Duration.ofSeconds(10)).until(() -> calls.get() == 1);
      loop.wake();
      await().atMost(Duration.ofSeconds(10)).until(() -> calls.get() == 2);
    }
  }

  @Test
  void aNonPositiveIntervalIsRefusedWithTheLoopsName() {
    assertThatThrownBy(() -> PeriodicLoop.every("bad", Duration.ZERO).running(() -> {}).build())
        .hasMessageContaining("bad").hasMessageContaining("interval must be positive");
  }
}
