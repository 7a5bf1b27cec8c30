package dev.workmesh.worker.dispatch;

import dev.workmesh.client.MeshApiException;
import dev.workmesh.worker.mesh.GuardedMeshClient;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.function.IntSupplier;
import java.util.function.Predicate;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Brings the idle pull forward when a task of this worker's pools is stranded. While a pool has no more
 * workers than its topic has partitions, Kafka's share-group assignor gives each partition to one worker, so
 * a record in the partition of a worker whose slots are all busy waits for that worker alone. mesh-api sees
 * such a task stay ready past its dispatch record ({@code mesh-api.long-poll.stranded-after}, 2 s) and answers
 * the workers waiting on {@code GET /work/pools/stranded}; this watch holds one such wait at a time and, when
 * a pool of its own is named, pulls ({@code POST /work/claims} for the free slots) now instead of at the next
 * {@code idle-pull-interval}, and again each time a slot frees while its pulls win tasks, as long as its own
 * share consumer finds nothing (a worker busy with its own records has no room to lend). Named while every
 * slot is busy, it pulls as soon as one frees (within {@link #SLOT_PATIENCE}).
 *
 * <p>The wait is a long-poll that costs mesh-api no work until something is stranded. A failed wait is
 * retried after a backoff (1 s doubling to 30 s); a mesh-api without the endpoint (404) ends the watch, and
 * the idle pull alone brings such tasks, as before.
 */
final class StrandedWatch implements AutoCloseable {

  private static final Logger log = LoggerFactory.getLogger(StrandedWatch.class);
  /** How long a worker named while full keeps looking for a free slot to pull with. */
  static final Duration SLOT_PATIENCE = Duration.ofSeconds(15);
  private static final long SLOT_CHECK_MILLIS = 50;

  private final GuardedMeshClient api;
  private final Slots slots;
  private final IntSupplier pull;
  private final Predicate<List<String>> drained;
  private final int waitSeconds;
  private final CountDownLatch closed = new CountDownLatch(1);
  private final Thread thread;

  /**
   * @param apiTimeout the worker's API timeout: each wait stays well within it
   * @param pull the idle pull's step: claims for the slots free when it runs, and says how many it won
   * @param drained whether the share consumer of one of these pools found nothing at its last poll
   */
  StrandedWatch(GuardedMeshClient api, Slots slots, Duration apiTimeout, IntSupplier pull,
      Predicate<List<String>> drained) {
    this.api = api;
    this.slots = slots;
    this.pull = pull;
    this.drained = drained;
    this.waitSeconds = waitSeconds(apiTimeout);
    this.thread = Thread.ofPlatform().daemon().name("stranded-watch").unstarted(this::watch);
  }

  /** The longest wait that leaves a third of the API timeout (at least a second) for the answer. */
  static int waitSeconds(Duration apiTimeout) {
    return (int) Math.clamp(apiTimeout.toSeconds() * 2 / 3, 1, 55);
  }

  void start() {
    thread.start();
  }

  private void watch() {
    ReplacementBackoff backoff = new ReplacementBackoff();
    while (closed.getCount() > 0) {
      long began = System.nanoTime();
      List<String> pools;
      try {
        pools = api.strandedPools(waitSeconds);
      } catch (MeshApiException e) {
        if (e.status() == 404) {
          log.info("mesh-api does not say when tasks are stranded (GET /work/pools/stranded: 404); the idle pull"
              + " alone finds them");
          return;
        }
        if (pause(backoff.afterBreak(Duration.ofNanos(System.nanoTime() - began)), e)) {
          continue;
        }
        return;
      } catch (RuntimeException e) {
        if (pause(backoff.afterBreak(Duration.ofNanos(System.nanoTime() - began)), e)) {
          continue;
        }
        return;
      }
      if (!pools.isEmpty()) {
        log.debug("Tasks are stranded in pool(s) {}: pulling now", pools);
        pullWhileWinning(pools);
      }
    }
  }

  /**
   * Pulls for the free slots, and again each time a slot frees, until a pull wins nothing: mesh-api names a
   * pool once for the tasks stranded there, however many they are and however few slots this worker has.
   * Only while its own share consumer finds nothing: a worker whose records keep coming has a backlog of
   * its own to run (a pull would take the tasks of records it is about to receive), and a stranded task is
   * one that waits in another worker's partition.
   */
  private void pullWhileWinning(List<String> pools) {
    while (awaitFreeSlot() && drained.test(pools) && pull.getAsInt() > 0) {
      // the next pull once a slot is free again
    }
  }

  /** Waits until a slot is free, without taking it (a Kafka record may need it first); false when closed. */
  private boolean awaitFreeSlot() {
    long deadline = System.nanoTime() + SLOT_PATIENCE.toNanos();
    while (slots.free() == 0) {
      if (System.nanoTime() > deadline || sleep(Duration.ofMillis(SLOT_CHECK_MILLIS))) {
        return false;
      }
    }
    return closed.getCount() > 0;
  }

  /** Sleeps after a failed wait; false when closed meanwhile. */
  private boolean pause(Duration delay, RuntimeException cause) {
    if (closed.getCount() == 0) {
      return false;
    }
    log.debug("Waiting for stranded tasks failed ({}); trying again in {} ms", cause.toString(), delay.toMillis());
    return !sleep(delay);
  }

  /** True when closed during the sleep. */
  private boolean sleep(Duration delay) {
    try {
      return closed.await(delay.toNanos(), TimeUnit.NANOSECONDS);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      return true;
    }
  }

  @Override
  public void close() {
    closed.countDown();
    thread.interrupt(); // ends a wait in flight: the HTTP client gives up on interruption
  }
}
