package dev.workmesh.api.claim;

import dev.workmesh.core.claim.Claim;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.UUID;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.function.LongSupplier;
import java.util.function.Supplier;

/**
 * Lets the long-polls of one agent share their looks at the database, so that a thousand waiting claims of
 * one agent cost one query per change, not a thousand.
 *
 * <p>A look is a claim query. An empty look tells every waiter of the same agent and mission whose ready
 * generation ({@link ReadySignal#generation()}) it began at that nothing was claimable for that agent then:
 * the generation was read before the query, so every task whose ready notification came before that read was
 * committed before the query began. Such a waiter takes the empty look as its own instead of running the same
 * query: a look still in flight (running, or queued for a database permit) whatever its age, so that an agent
 * has at most one look queued however many of its claims arrive while the database is busy; a finished empty
 * look if it began less than {@link #FRESH} ago. A look that found
 * claims keeps them (they are its waiter's), so the others look for themselves: there may be more work. An
 * empty claim does not depend on {@code max_tasks} (it means no task, or no room under max_concurrency).
 *
 * <p>The diagnosis of an empty answer ({@code reason}) is shared the same way for {@link #REASON_FRESH}.
 */
final class SharedLooks {

  /** An empty look of an agent stands for the others' looks begun at the same generation within this. */
  static final Duration FRESH = Duration.ofSeconds(1);
  /** A diagnosis of an agent's empty claim stands for its other long-polls, at the same generation, this long. */
  static final Duration REASON_FRESH = Duration.ofSeconds(2);
  private static final long SWEEP_EVERY_NANOS = Duration.ofSeconds(10).toNanos();

  private final Map<Key, Look> looks = new ConcurrentHashMap<>();
  private final Map<UUID, Reason> reasons = new ConcurrentHashMap<>();
  private final LongSupplier nanoTime;
  private volatile long lastSweep;

  SharedLooks() {
    this(System::nanoTime);
  }

  /** With {@code nanoTime} as the clock that ages looks and diagnoses. */
  SharedLooks(LongSupplier nanoTime) {
    this.nanoTime = nanoTime;
    this.lastSweep = nanoTime.getAsLong();
  }

  /** Whose look it is: an agent, and the mission its claim is limited to (null for any). */
  record Key(UUID agentId, UUID missionId) {}

  private record Look(long generation, long startedNanos, CompletableFuture<Boolean> foundNothing) {}

  private record Reason(long generation, long atNanos, Optional<?> value) {}

  /** Runs a claim query for a waiter; empty when {@code run} returned empty (no database permit came in time). */
  interface Query {
    Optional<List<Claim>> run() throws InterruptedException;
  }

  /**
   * The claims of a look at {@code generation}: this waiter's own query, or an empty list when a fresh look
   * of the same agent at the same generation found nothing; empty when no permit came within the query's
   * patience ({@code patienceNanos} also bounds the wait for a look in flight).
   */
  Optional<List<Claim>> look(Key key, long generation, long patienceNanos, Query query) throws InterruptedException {
    sweepNowAndThen();
    long now = nanoTime.getAsLong();
    Look mine = new Look(generation, now, new CompletableFuture<>());
    Look shared = looks.compute(key, (k, l) -> l != null && l.generation == generation && standsFor(l, now) ? l : mine);
    if (shared != mine) {
      if (foundNothing(shared, patienceNanos)) {
        return Optional.of(List.of());
      }
      return query.run(); // the other look found claims (kept by its waiter) or did not run: look again
    }
    boolean nothing = false;
    try {
      Optional<List<Claim>> claims = query.run();
      nothing = claims.isPresent() && claims.get().isEmpty();
      return claims;
    } finally {
      mine.foundNothing.complete(nothing);
    }
  }

  /** Whether a look at the waiter's generation stands for it: in flight, or empty and begun within {@link #FRESH}. */
  private static boolean standsFor(Look look, long now) {
    Boolean nothing = look.foundNothing.getNow(null);
    return nothing == null || (nothing && now - look.startedNanos < FRESH.toNanos());
  }

  /**
   * The diagnosis of an agent's empty claim: one taken at the same generation less than {@link #REASON_FRESH}
   * ago, or {@code diagnose}'s; empty when {@code diagnose} gave none (the database was busy).
   */
  @SuppressWarnings("unchecked")
  <T> Optional<T> reason(UUID agentId, long generation, Diagnosis<T> diagnose) throws InterruptedException {
    long now = nanoTime.getAsLong();
    Reason known = reasons.get(agentId);
    if (known != null && known.generation == generation && now - known.atNanos < REASON_FRESH.toNanos()) {
      return (Optional<T>) known.value;
    }
    Optional<Optional<T>> fresh = diagnose.run();
    fresh.ifPresent(value -> reasons.put(agentId, new Reason(generation, now, value)));
    return fresh.flatMap(v -> v);
  }

  /** A diagnosis that gives its (possibly absent) reason, or nothing when the database was busy. */
  interface Diagnosis<T> {
    Optional<Optional<T>> run() throws InterruptedException;
  }

  private static boolean foundNothing(Look look, long patienceNanos) throws InterruptedException {
    try {
      return look.foundNothing.get(Math.max(patienceNanos, 0), TimeUnit.NANOSECONDS);
    } catch (TimeoutException | ExecutionException e) {
      return false;
    }
  }

  /** Drops looks and reasons too old to share, at most every ten seconds, so the maps hold recent agents only. */
  private void sweepNowAndThen() {
    long now = nanoTime.getAsLong();
    if (now - lastSweep < SWEEP_EVERY_NANOS) {
      return;
    }
    lastSweep = now;
    looks.values().removeIf(l -> now - l.startedNanos > FRESH.toNanos() && l.foundNothing.isDone());
    reasons.values().removeIf(r -> now - r.atNanos > REASON_FRESH.toNanos());
  }
}
