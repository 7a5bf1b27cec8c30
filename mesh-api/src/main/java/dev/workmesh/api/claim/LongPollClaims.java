package dev.workmesh.api.claim;

import dev.workmesh.api.ApiMetrics;
import dev.workmesh.api.config.MeshApiProperties;
import dev.workmesh.web.RetryLaterException;
import dev.workmesh.core.MeshCore;
import dev.workmesh.core.claim.Claim;
import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.MeterRegistry;
import java.time.Duration;
import java.util.List;
import java.util.Optional;
import java.util.UUID;
import java.util.concurrent.Semaphore;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.Supplier;
import org.springframework.stereotype.Component;

/**
 * Long-poll claims ({@code POST /work/claims} with {@code wait_seconds}). Each one runs on the request's
 * virtual thread (mesh-api serves every request on one) and parks on {@link ReadySignal} while it waits: a
 * parked virtual thread is unmounted from its carrier, so a waiting claim holds no platform thread, only its
 * stack chunk and its request on the heap. The claim path is plain JDBC, so a virtual thread keeps it as
 * readable as a blocking call; a servlet-async design would hold the same request objects and save only the
 * stack.
 *
 * <p>A waiter costs nothing while nothing changes. It looks (a claim query) when it arrives, and again only
 * when the ready generation moved (a task became ready somewhere), or at its rare backstop. No wake-up is
 * lost: the waiter reads the generation <em>before</em> each look and then parks only while the generation
 * is still the one it read, so a notification that arrives during the look, or between the look and the
 * park, makes the park return at once. When its wait runs out with no change since its last look, it answers
 * at once without another query. Waiters of one agent share their looks ({@link SharedLooks}), so one
 * notification costs one query per waiting agent, not one per waiting claim.
 *
 * <p>Limits keep a storm of waiters from hurting anything else: at most {@code mesh-api.long-poll.max-waiting}
 * long-polls are held at once, waiting claims and workers' waits for stranded tasks together (one more gets 503
 * with Retry-After); their queries take one of {@code
 * mesh-api.long-poll.database-concurrency} permits, so the rest of the connection pool stays free for other
 * requests; a waiter whose permit does not come before its deadline answers without it. The backstop re-check
 * (for a task that became claimable without a notification: room freed under max_concurrency, a broadcast
 * target's retry delay passed, a notification lost while the listener reconnected) comes after
 * {@link #BACKSTOP} to twice that, stretched so that all waiters together make at most {@link #BACKSTOP_RATE}
 * of them a second, and runs only when a permit is free at once, so it never queues behind real work.
 *
 * <p>Gauge {@value #WAITING_GAUGE}: long-polls held now. Counter {@value #REFUSED_COUNTER}: refused at the ceiling.
 */
@Component
class LongPollClaims {

  static final String WAITING_GAUGE = "mesh_claim_long_polls_waiting";
  static final String REFUSED_COUNTER = "mesh_claim_long_polls_refused_total";
  /** Even without a wake-up, a long poll looks again after this, plus up to as much again of jitter. */
  static final Duration BACKSTOP = Duration.ofSeconds(15);
  /** Backstop looks a second, at most, of all waiters together: with many waiting, each looks more rarely. */
  static final int BACKSTOP_RATE = 100;
  /** A waiter whose deadline passed waits this long at most for a permit to say why it found nothing. */
  private static final Duration REASON_PATIENCE = Duration.ofMillis(200);

  private final MeshCore core;
  private final ReadySignal ready;
  private final ApiMetrics metrics;
  private final int maxWaiting;
  private final Semaphore database;
  private final AtomicInteger waiting = new AtomicInteger();
  /** Waits for stranded tasks ({@link StrandedPools}): they share the ceiling, not the gauge of waiting claims. */
  private final AtomicInteger otherWaits = new AtomicInteger();
  private final Counter refused;
  private final SharedLooks looks = new SharedLooks();

  LongPollClaims(MeshCore core, ReadySignal ready, ApiMetrics metrics, MeshApiProperties properties,
      MeterRegistry meters) {
    this.core = core;
    this.ready = ready;
    this.metrics = metrics;
    this.maxWaiting = properties.longPoll().maxWaiting();
    this.database = new Semaphore(properties.longPoll().databaseConcurrency(), true);
    Gauge.builder(WAITING_GAUGE, waiting, AtomicInteger::get)
        .description("Long-poll claims held by this replica (mesh-api.long-poll.max-waiting caps them)")
        .register(meters);
    this.refused = Counter.builder(REFUSED_COUNTER)
        .description("Long-poll claims refused with 503 because mesh-api.long-poll.max-waiting were held")
        .register(meters);
  }

  /** Waits up to {@code wait} for a claim; the answer holds the claims, or none and (if known) why. */
  Answer claim(UUID agentId, UUID missionId, int maxTasks, Duration wait) throws InterruptedException {
    takeSeat(waiting, "claim without wait_seconds, ");
    try {
      return waitForClaims(agentId, missionId, maxTasks, System.nanoTime() + wait.toNanos());
    } finally {
      waiting.decrementAndGet();
    }
  }

  /** A long-poll of another kind: it holds a connection like a waiting claim and counts towards the ceiling. */
  interface Wait<T> {
    T run() throws InterruptedException;
  }

  /** Runs {@code wait} (a worker's wait for stranded tasks) in one of the replica's long-poll seats. */
  <T> T seated(Wait<T> wait) throws InterruptedException {
    takeSeat(otherWaits, "");
    try {
      return wait.run();
    } finally {
      otherWaits.decrementAndGet();
    }
  }

  /** Takes a seat on {@code counter}, or refuses with 503 when the long-polls of both kinds fill the ceiling. */
  private void takeSeat(AtomicInteger counter, String alternative) {
    counter.incrementAndGet();
    if (waiting.get() + otherWaits.get() > maxWaiting) {
      counter.decrementAndGet();
      refused.increment();
      throw RetryLaterException.busy("this mesh-api replica already holds " + maxWaiting + " long-polls"
          + " (mesh-api.long-poll.max-waiting): retry after the delay in Retry-After, " + alternative
          + "or use another replica", ThreadLocalRandom.current().nextLong(1, 6));
    }
  }

  private Answer waitForClaims(UUID agentId, UUID missionId, int maxTasks, long deadline)
      throws InterruptedException {
    SharedLooks.Key key = new SharedLooks.Key(agentId, missionId);
    boolean signalled = true; // the first look and every look after a wake-up queue for a permit
    while (true) {
      long seen = ready.generation(); // read before the look: a signal from now on ends the park below at once
      long patience = signalled ? Math.max(deadline - System.nanoTime(), 0) : 0;
      Optional<List<Claim>> claims = looks.look(key, seen, patience, () -> withPermit(patience,
          () -> metrics.timedClaims(() -> core.claims().claimNext(agentId, missionId, maxTasks))));
      if (claims.isPresent() && !claims.get().isEmpty()) {
        return new Answer(claims.get(), false);
      }
      if (ready.stopping()) {
        return new Answer(List.of(), false);
      }
      long left = deadline - System.nanoTime();
      if (left <= 0) {
        return new Answer(List.of(), true);
      }
      signalled = ready.awaitAfter(seen, Duration.ofNanos(Math.min(left, backstop())));
      if (!signalled && deadline - System.nanoTime() <= 0) {
        return new Answer(List.of(), true); // nothing changed since the last look: no need to look again
      }
      if (ready.stopping()) {
        return new Answer(List.of(), false); // a stop answers every waiter at once, without a query each
      }
    }
  }

  /** How long a waiter parks before its backstop look: {@link #BACKSTOP} or more, jittered to twice that. */
  private long backstop() {
    long base = Math.max(BACKSTOP.toNanos(), waiting.get() * 1_000_000_000L / BACKSTOP_RATE);
    return base + ThreadLocalRandom.current().nextLong(base);
  }

  /** Runs a query of a long-poll when a permit comes within {@code patienceNanos}; empty when none came. */
  <T> Optional<T> withPermit(long patienceNanos, Supplier<T> query) throws InterruptedException {
    if (!database.tryAcquire(patienceNanos, TimeUnit.NANOSECONDS)) {
      return Optional.empty();
    }
    try {
      return Optional.of(query.get());
    } finally {
      database.release();
    }
  }

  /**
   * The diagnosis of an agent's empty long-poll: one its other long-polls got at the same ready generation
   * moments ago ({@link SharedLooks}), or a new one when a permit comes soon; empty when the database is busy.
   */
  <T> Optional<T> whyNothing(UUID agentId, Supplier<T> diagnosis) throws InterruptedException {
    return looks.reason(agentId, ready.generation(),
        () -> withPermit(REASON_PATIENCE.toNanos(), () -> Optional.ofNullable(diagnosis.get())));
  }

  /** What a long-poll found: claims, or none; {@code timedOut} when it waited its whole wait. */
  record Answer(List<Claim> claims, boolean timedOut) {}
}
