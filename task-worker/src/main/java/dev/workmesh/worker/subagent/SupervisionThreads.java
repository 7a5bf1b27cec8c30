package dev.workmesh.worker.subagent;

import java.time.Duration;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.SynchronousQueue;
import java.util.concurrent.ThreadPoolExecutor;
import java.util.concurrent.TimeUnit;

/**
 * The platform threads that watch subagents: each one's two output pumps and the thread that finishes it
 * once it exits. They block on pipes for a subagent's whole life, so they are platform threads, one per
 * job, never queued behind each other; and they are reused, because starting and ending a platform thread
 * costs about 0.3 ms of CPU (more in a JVM with many threads), three times per subagent, which is as much as
 * a short subagent's own supervision. A thread idle for {@link #KEEP_ALIVE} ends.
 *
 * <p>One pool serves every launcher of the JVM and is never shut down, so that a subagent which exits after
 * its launcher closed is still finished (its pipes drained, its workspace released, its outcome completed).
 * While a thread runs a job it carries the job's name ({@code subagent-<attempt>-stdout}, ...), as a thread
 * of its own did, so a thread dump still says which attempt it serves.
 */
final class SupervisionThreads {

  static final Duration KEEP_ALIVE = Duration.ofSeconds(30);
  private static final String IDLE_NAME = "subagent-supervision";

  private static final ExecutorService POOL = new ThreadPoolExecutor(
      0, Integer.MAX_VALUE, KEEP_ALIVE.toNanos(), TimeUnit.NANOSECONDS, new SynchronousQueue<>(),
      Thread.ofPlatform().daemon().name(IDLE_NAME).factory());

  private SupervisionThreads() {}

  /** Runs {@code job} at once on a thread of the pool named {@code name} while it runs. */
  static void run(String name, Runnable job) {
    POOL.execute(() -> {
      Thread thread = Thread.currentThread();
      thread.setName(name);
      try {
        job.run();
      } finally {
        thread.setName(IDLE_NAME);
      }
    });
  }
}
