package dev.workmesh.api.claim;

import dev.workmesh.api.config.MeshApiProperties;
import dev.workmesh.core.MeshCore;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.MeterRegistry;
import java.time.Duration;
import java.time.Instant;
import java.util.Collection;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.locks.LockSupport;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.context.SmartLifecycle;
import org.springframework.stereotype.Component;

/**
 * Wakes the workers waiting on {@code GET /work/pools/stranded} when a pooled task of theirs is stranded: still
 * ready {@code mesh-api.long-poll.stranded-after} after its dispatch record was written, so the record did not
 * bring it to a worker with room. That happens where Kafka's share-group assignor gives each partition to one
 * member (a pool with no more workers than partitions): a record in the partition of a worker whose slots are
 * all busy waits for that worker alone, while others are idle. Every worker waits here, and one whose own
 * records have run out pulls at once when its pool is named.
 *
 * <p>One thread per replica looks, and only while somebody waits: every half of {@code stranded-after} (at
 * most a second) it reads the stranded pools (one index range scan, {@code ClaimDiagnosis.strandedPools}). A
 * pool is announced when a task is newly stranded there (the newest stranded record moved) or, while tasks
 * stay stranded, again every {@link #REPEAT}: waiters that could not claim them are not woken every look. A
 * waiter answers only announcements made after it arrived, so one announcement wakes each worker once.
 *
 * <p>Gauge {@value #WAITING_GAUGE}: the waits held now. They count towards {@code mesh-api.long-poll.max-waiting}
 * with the waiting claims ({@link LongPollClaims#seated}): each holds a connection as they do.
 */
@Component
class StrandedPools implements SmartLifecycle {

  static final String WAITING_GAUGE = "mesh_stranded_pool_waits";
  /** A pool whose stranded tasks did not change is announced again after this. */
  static final Duration REPEAT = Duration.ofSeconds(15);

  private static final Logger log = LoggerFactory.getLogger(StrandedPools.class);
  private static final Duration ERROR_LOG_EVERY = Duration.ofMinutes(1);

  private final MeshCore core;
  private final Duration strandedAfter;
  private final long lookEveryNanos;
  private final LongPollClaims seats;
  private final Set<Thread> parked = ConcurrentHashMap.newKeySet();
  private volatile Announcement latest = new Announcement(0, Set.of());
  private volatile boolean stopping;
  private volatile Thread looker;
  /** The looker's own: each pool's newest stranded record when it was last announced, and when that was. */
  private final Map<String, Instant> announcedNewest = new HashMap<>();
  private final Map<String, Long> announcedAt = new HashMap<>();
  private long lastErrorLogged;

  StrandedPools(MeshCore core, LongPollClaims seats, MeshApiProperties properties, MeterRegistry meters) {
    this.core = core;
    this.seats = seats;
    this.strandedAfter = properties.longPoll().strandedAfter();
    this.lookEveryNanos = Math.min(strandedAfter.toNanos() / 2, Duration.ofSeconds(1).toNanos());
    Gauge.builder(WAITING_GAUGE, parked, Set::size)
        .description("Workers waiting on GET /work/pools/stranded at this replica")
        .register(meters);
  }

  Duration strandedAfter() {
    return strandedAfter;
  }

  /** Those of {@code pools} with stranded tasks now: one look, for a caller that does not wait. */
  List<String> now(Collection<String> pools) {
    Set<String> stranded = strandedNow().keySet();
    return pools.stream().filter(stranded::contains).toList();
  }

  /** The pools with tasks ready {@code stranded-after} past their dispatch record, and each one's newest. */
  private Map<String, Instant> strandedNow() {
    return core.diagnosis().strandedPools(core.db().now().minus(strandedAfter));
  }

  /**
   * Waits up to {@code wait} for one of {@code pools} to be announced stranded after this call; those announced,
   * or none when the wait ran out or the service began to stop.
   */
  List<String> await(Collection<String> pools, Duration wait) throws InterruptedException {
    return seats.seated(() -> awaitSeated(pools, wait));
  }

  private List<String> awaitSeated(Collection<String> pools, Duration wait) throws InterruptedException {
    long deadline = System.nanoTime() + wait.toNanos();
    Thread waiter = Thread.currentThread();
    parked.add(waiter);
    Thread current = looker;
    if (current != null) {
      LockSupport.unpark(current); // it sleeps while nobody waits
    }
    try {
      long seen = latest.generation(); // read after joining the set: a later announcement unparks this thread
      while (!stopping) {
        Announcement now = latest;
        if (now.generation() != seen) {
          List<String> hit = pools.stream().filter(now.pools()::contains).toList();
          if (!hit.isEmpty()) {
            return hit;
          }
          seen = now.generation();
        }
        long left = deadline - System.nanoTime();
        if (left <= 0) {
          return List.of();
        }
        LockSupport.parkNanos(this, left);
        if (Thread.interrupted()) {
          throw new InterruptedException();
        }
      }
      return List.of();
    } finally {
      parked.remove(waiter);
    }
  }

  private void lookWhileWaited() {
    long next = System.nanoTime();
    while (!stopping && looker == Thread.currentThread()) {
      if (parked.isEmpty()) {
        LockSupport.park(this); // a waiter's arrival unparks
        continue;
      }
      long early = next - System.nanoTime();
      if (early > 0) {
        LockSupport.parkNanos(this, early);
        continue;
      }
      next = System.nanoTime() + lookEveryNanos;
      try {
        look();
      } catch (RuntimeException e) {
        if (System.nanoTime() - lastErrorLogged > ERROR_LOG_EVERY.toNanos() || lastErrorLogged == 0) {
          lastErrorLogged = System.nanoTime();
          log.warn("Could not look for stranded tasks (trying again every {} ms; logged once a minute): {}",
              lookEveryNanos / 1_000_000, e.toString());
        }
      }
    }
  }

  /** One look: announces the pools with newly stranded tasks, and those left stranded for {@link #REPEAT}. */
  void look() {
    Map<String, Instant> stranded = strandedNow();
    announcedNewest.keySet().retainAll(stranded.keySet());
    announcedAt.keySet().retainAll(stranded.keySet());
    long now = System.nanoTime();
    Set<String> announce = new HashSet<>();
    stranded.forEach((pool, newest) -> {
      Instant before = announcedNewest.get(pool);
      Long at = announcedAt.get(pool);
      if (before == null || newest.isAfter(before) || now - at >= REPEAT.toNanos()) {
        announce.add(pool);
        announcedNewest.put(pool, newest);
        announcedAt.put(pool, now);
      }
    });
    if (!announce.isEmpty()) {
      latest = new Announcement(latest.generation() + 1, Set.copyOf(announce));
      parked.forEach(LockSupport::unpark);
    }
  }

  @Override
  public void start() {
    stopping = false;
    Thread thread = Thread.ofPlatform().daemon().name("mesh-stranded-pools").unstarted(this::lookWhileWaited);
    looker = thread; // set first: a looker that is no longer the one set (after a stop) ends
    thread.start();
  }

  @Override
  public void stop() {
    stopping = true;
    Thread current = looker;
    looker = null;
    if (current != null) {
      LockSupport.unpark(current);
    }
    parked.forEach(LockSupport::unpark);
  }

  @Override
  public boolean isRunning() {
    return looker != null;
  }

  private record Announcement(long generation, Set<String> pools) {}
}
