package dev.workmesh.worker.subagent;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;

class SupervisionThreadsTest {

  @Test
  void aJobRunsAtOnceOnAPlatformThreadNamedAfterItAndTheThreadServesTheNextJob() throws Exception {
    CompletableFuture<Thread> first = new CompletableFuture<>();
    CompletableFuture<String> firstName = new CompletableFuture<>();
    SupervisionThreads.run("subagent-a-stdout", () -> {
      firstName.complete(Thread.currentThread().getName());
      first.complete(Thread.currentThread());
    });
    Thread thread = first.get(10, TimeUnit.SECONDS);
    assertThat(firstName.get()).isEqualTo("subagent-a-stdout");
    assertThat(thread.isVirtual()).isFalse();
    assertThat(thread.isDaemon()).isTrue();

    // Once the first job is done its thread is idle again, named as such, and the pool hands it the next job.
    long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(10);
    while (!thread.getName().equals("subagent-supervision") && System.nanoTime() < deadline) {
      Thread.onSpinWait();
    }
    assertThat(thread.getName()).isEqualTo("subagent-supervision");
    CompletableFuture<Thread> second = new CompletableFuture<>();
    SupervisionThreads.run("subagent-b-finish", () -> second.complete(Thread.currentThread()));
    assertThat(second.get(10, TimeUnit.SECONDS)).isSameAs(thread);
  }

  @Test
  void jobsThatBlockDoNotQueueBehindEachOther() throws Exception {
    CompletableFuture<Void> release = new CompletableFuture<>();
    CompletableFuture<Void> blockedStarted = new CompletableFuture<>();
    SupervisionThreads.run("subagent-c-stdout", () -> {
      blockedStarted.complete(null);
      release.join();
    });
    blockedStarted.get(10, TimeUnit.SECONDS);
    CompletableFuture<Void> next = new CompletableFuture<>();
    SupervisionThreads.run("subagent-c-stderr", () -> next.complete(null));
    next.get(10, TimeUnit.SECONDS);
    release.complete(null);
  }
}
