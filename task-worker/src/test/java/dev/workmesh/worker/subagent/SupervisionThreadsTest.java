package dev.workmesh.worker.subagent;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.stream.Collectors;
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

    // Once the first job is done its thread is idle again, named as such, waiting for the next job; the pool
    // hands the next job to an idle thread rather than starting one. The pool serves the whole JVM, so that
    // idle thread may be another one left by an earlier job: any thread of the pool that was idle already.
    long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(10);
    while (!(thread.getName().equals("subagent-supervision") && thread.getState() == Thread.State.TIMED_WAITING)
        && System.nanoTime() < deadline) {
      Thread.onSpinWait();
    }
    assertThat(thread.getName()).isEqualTo("subagent-supervision");
    assertThat(thread.getState()).as("waiting for the next job").isEqualTo(Thread.State.TIMED_WAITING);
    Set<Thread> idle = Thread.getAllStackTraces().keySet().stream()
        .filter(t -> t.getName().equals("subagent-supervision")).collect(Collectors.toSet());
    assertThat(idle).contains(thread);
    CompletableFuture<Thread> second = new CompletableFuture<>();
    SupervisionThreads.run("subagent-b-finish", () -> second.complete(Thread.currentThread()));
    assertThat(second.get(10, TimeUnit.SECONDS)).as("a thread of the pool that was idle").isIn(idle);
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
