package dev.workmesh.api.claim;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import dev.workmesh.core.db.PgNotifications;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.Executors;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;

/** Waiters of the ready signal: woken by a signal or a stop, or let go when their time runs out, each on its own. */
class ReadySignalTest {

  private final ReadySignal signal = new ReadySignal(new PgNotifications(null, List.of("mesh_task_ready")));

  @Test
  void aSignalWakesEveryWaiterAndAWaiterThatReadTheGenerationBeforeItDoesNotPark() throws Exception {
    try (ExecutorService threads = Executors.newVirtualThreadPerTaskExecutor()) {
      long seen = signal.generation();
      List<CompletableFuture<Boolean>> waiters = new ArrayList<>();
      for (int i = 0; i < 2_000; i++) {
        waiters.add(CompletableFuture.supplyAsync(() -> waitFor(seen, Duration.ofMinutes(1)), threads));
      }
      await().atMost(Duration.ofSeconds(20)).until(() -> signal.waiting() == 2_000);
      signal.signal();
      CompletableFuture.allOf(waiters.toArray(CompletableFuture[]::new)).get(20, TimeUnit.SECONDS);
      assertThat(waiters).allSatisfy(w -> assertThat(w.join()).as("woken by the signal, not the time").isTrue());
      long start = System.nanoTime();
      assertThat(signal.awaitAfter(seen, Duration.ofMinutes(1))).as("a signal after the read counts").isTrue();
      assertThat(System.nanoTime() - start).isLessThan(Duration.ofSeconds(5).toNanos());
    }
  }

  @Test
  void waitersWhoseTimeRunsOutReturnFalseEachAtItsOwnTimeAndASignalAfterThemWakesTheRest() throws Exception {
    try (ExecutorService threads = Executors.newVirtualThreadPerTaskExecutor()) {
      long seen = signal.generation();
      List<CompletableFuture<Boolean>> brief = new ArrayList<>();
      for (int i = 0; i < 1_000; i++) {
        brief.add(CompletableFuture.supplyAsync(() -> waitFor(seen, Duration.ofMillis(200)), threads));
      }
      CompletableFuture<Boolean> patient = CompletableFuture.supplyAsync(() -> waitFor(seen, Duration.ofMinutes(1)),
          threads);
      CompletableFuture.allOf(brief.toArray(CompletableFuture[]::new)).get(20, TimeUnit.SECONDS);
      assertThat(brief).allSatisfy(w -> assertThat(w.join()).as("let go by its time").isFalse());
      assertThat(patient).isNotDone();
      await("only the patient waiter is parked: those let go left no trace").atMost(Duration.ofSeconds(20))
          .until(() -> signal.waiting() == 1);
      signal.stop();
      assertThat(patient.get(20, TimeUnit.SECONDS)).as("a stop wakes a waiter").isTrue();
      assertThat(signal.awaitAfter(signal.generation(), Duration.ofMinutes(1))).as("stopping: no wait").isTrue();
    }
  }

  @Test
  void aParkedWaiterThatIsInterruptedThrows() throws Exception {
    CompletableFuture<Throwable> outcome = new CompletableFuture<>();
    Thread waiter = Thread.ofVirtual().start(() -> {
      try {
        signal.awaitAfter(signal.generation(), Duration.ofMinutes(1));
        outcome.complete(null);
      } catch (Throwable e) {
        outcome.complete(e);
      }
    });
    await().atMost(Duration.ofSeconds(10)).until(() -> waiter.getState() == Thread.State.TIMED_WAITING);
    waiter.interrupt();
    assertThat(outcome.get(10, TimeUnit.SECONDS)).isInstanceOf(InterruptedException.class);
  }

  private boolean waitFor(long seen, Duration timeout) {
    try {
      return signal.awaitAfter(seen, timeout);
    } catch (InterruptedException e) {
      throw new IllegalStateException(e);
    }
  }
}
