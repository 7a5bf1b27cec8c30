package dev.workmesh.worker;

import java.time.Duration;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;

/** Waits for a future at most a while, for shutdowns that go on whether it completed or not. */
public final class BoundedWait {

  private BoundedWait() {}

  /**
   * Whether {@code future} completes normally within {@code limit}. An interrupt ends the wait (false)
   * and stays set on the thread.
   */
  public static boolean completes(CompletableFuture<?> future, Duration limit) {
    try {
      future.get(limit.toNanos(), TimeUnit.NANOSECONDS);
      return true;
    } catch (TimeoutException | ExecutionException e) {
      return false;
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      return false;
    }
  }
}
