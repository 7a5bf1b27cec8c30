package dev.workmesh.devstack.faults;

import dev.workmesh.client.MeshApiException;
import dev.workmesh.client.MeshClient;
import dev.workmesh.client.model.TaskRequest;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.UUID;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.locks.LockSupport;
import java.util.function.Function;
import java.util.function.Supplier;

/**
 * A client that keeps submitting tasks, one request each with its own idempotency key, whatever happens to
 * the mesh, and keeps books: which keys got a 2xx (acknowledged: the mesh promised the task), and which got
 * an error or no answer (the task may or may not exist). {@link #retryUnacknowledged} submits the latter
 * again with the same keys until they are acknowledged: a key that did commit before its answer was lost
 * answers {@code 200} (a replay), never a second task.
 */
final class Submitter {

  private final Supplier<MeshClient> client;
  private final UUID missionId;
  private final Function<String, TaskRequest> task;
  private final Set<String> acknowledged = ConcurrentHashMap.newKeySet();
  private final Map<String, String> unacknowledged = new ConcurrentHashMap<>();
  private final AtomicLong replays = new AtomicLong();
  private final AtomicLong errors = new AtomicLong();
  private final AtomicBoolean stop = new AtomicBoolean();
  private volatile Thread thread;

  /**
   * @param client the client to use for each request (may change, e.g. to another API replica)
   * @param task the task to submit for a key (the key is set as its idempotency key)
   */
  Submitter(Supplier<MeshClient> client, UUID missionId, Function<String, TaskRequest> task) {
    this.client = client;
    this.missionId = missionId;
    this.task = task;
  }

  /** Submits {@code count} tasks keyed {@code prefix-00000...}, one every {@code pace}, on a thread of its own. */
  Submitter start(String prefix, int count, Duration pace) {
    thread = Thread.ofPlatform().name("submitter-" + prefix).start(() -> {
      for (int i = 0; i < count && !stop.get(); i++) {
        submit("%s-%05d".formatted(prefix, i));
        LockSupport.parkNanos(pace.toNanos()); // pacing, not synchronisation
      }
    });
    return this;
  }

  private boolean submit(String key) {
    try {
      MeshClient.Submitted submitted = client.get().submit(missionId, task.apply(key).withIdempotencyKey(key));
      if (submitted.replay()) {
        replays.incrementAndGet();
      }
      acknowledged.add(key);
      unacknowledged.remove(key);
      return true;
    } catch (MeshApiException e) {
      if (e.status() < 500 && e.status() != 429) {
        throw new AssertionError("mesh-api refused a valid submission: " + e.getMessage(), e);
      }
      errors.incrementAndGet();
      unacknowledged.put(key, "HTTP " + e.status());
      return false;
    } catch (RuntimeException e) {
      errors.incrementAndGet();
      unacknowledged.put(key, e.getClass().getSimpleName());
      return false;
    }
  }

  /** Waits for the submitting thread to finish its count. */
  void join(Duration atMost) throws InterruptedException {
    Thread t = thread;
    if (t != null && !t.join(atMost)) {
      throw new AssertionError("the submitter did not finish within " + atMost);
    }
  }

  void stop() {
    stop.set(true);
  }

  /** Submits every key without a 2xx again (same key) until each is acknowledged; returns how many were retried. */
  int retryUnacknowledged(Duration atMost) {
    long deadline = System.nanoTime() + atMost.toNanos();
    List<String> keys = new ArrayList<>(unacknowledged.keySet());
    for (String key : keys) {
      while (!submit(key)) {
        if (System.nanoTime() > deadline) {
          throw new AssertionError("submission " + key + " still fails: " + unacknowledged.get(key));
        }
        LockSupport.parkNanos(Duration.ofMillis(200).toNanos());
      }
    }
    return keys.size();
  }

  Set<String> acknowledged() {
    return Set.copyOf(acknowledged);
  }

  int unacknowledged() {
    return unacknowledged.size();
  }

  long errors() {
    return errors.get();
  }

  /** Acknowledgements that were a replay of an earlier submission (200 instead of 201). */
  long replays() {
    return replays.get();
  }
}
