package dev.workmesh.api.claim;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import dev.workmesh.core.claim.Claim;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.UUID;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;
import org.junit.jupiter.api.Test;

/** The waiting claims of one agent share an empty look at one ready generation, and only that. */
class SharedLooksTest {

  private static final long PATIENCE = TimeUnit.SECONDS.toNanos(5);
  final SharedLooks looks = new SharedLooks();
  final AtomicInteger queries = new AtomicInteger();
  final SharedLooks.Key agent = new SharedLooks.Key(UUID.randomUUID(), null);

  SharedLooks.Query nothing() {
    return () -> {
      queries.incrementAndGet();
      return Optional.of(List.of());
    };
  }

  @Test
  void waitersOfOneAgentAtOneGenerationRunOneQueryBetweenThem() throws Exception {
    CountDownLatch firstRuns = new CountDownLatch(1);
    CountDownLatch release = new CountDownLatch(1);
    Thread first = Thread.ofVirtual().start(() -> {
      try {
        looks.look(agent, 7, PATIENCE, () -> {
          queries.incrementAndGet();
          firstRuns.countDown();
          release.await(); // still in flight while the others arrive
          return Optional.of(List.of());
        });
      } catch (InterruptedException e) {
        throw new IllegalStateException(e);
      }
    });
    assertThat(firstRuns.await(5, TimeUnit.SECONDS)).isTrue();
    List<Thread> others = new ArrayList<>();
    List<Optional<List<Claim>>> answers = java.util.Collections.synchronizedList(new ArrayList<>());
    for (int i = 0; i < 50; i++) {
      others.add(Thread.ofVirtual().start(() -> {
        try {
          answers.add(looks.look(agent, 7, PATIENCE, nothing()));
        } catch (InterruptedException e) {
          throw new IllegalStateException(e);
        }
      }));
    }
    release.countDown();
    first.join();
    for (Thread t : others) {
      t.join();
    }
    assertThat(queries.get()).as("queries run by 51 waiters of one agent").isEqualTo(1);
    assertThat(answers).hasSize(50).allSatisfy(a -> assertThat(a).contains(List.of()));
  }

  @Test
  void aLookQueuedLongerThanFreshIsStillJoinedAndAFinishedOneOnlyWhileFresh() throws Exception {
    AtomicLong clock = new AtomicLong();
    SharedLooks slowDatabase = new SharedLooks(clock::get);
    CountDownLatch firstRuns = new CountDownLatch(1);
    CountDownLatch release = new CountDownLatch(1);
    Thread first = Thread.ofVirtual().start(() -> {
      try {
        slowDatabase.look(agent, 7, PATIENCE, () -> {
          queries.incrementAndGet();
          firstRuns.countDown();
          release.await(); // queued for a permit, or a slow query: in flight for longer than FRESH
          return Optional.of(List.of());
        });
      } catch (InterruptedException e) {
        throw new IllegalStateException(e);
      }
    });
    assertThat(firstRuns.await(5, TimeUnit.SECONDS)).isTrue();
    clock.addAndGet(SharedLooks.FRESH.multipliedBy(5).toNanos());
    List<Thread> others = new ArrayList<>();
    for (int i = 0; i < 20; i++) {
      others.add(Thread.ofVirtual().start(() -> {
        try {
          slowDatabase.look(agent, 7, PATIENCE, nothing());
        } catch (InterruptedException e) {
          throw new IllegalStateException(e);
        }
      }));
    }
    await("the 20 wait on the look in flight").atMost(Duration.ofSeconds(10))
        .until(() -> others.stream().allMatch(t -> t.getState() == Thread.State.TIMED_WAITING));
    release.countDown();
    first.join();
    for (Thread t : others) {
      t.join();
    }
    assertThat(queries.get()).as("queries of 21 waiters while one look was in flight for 5 s").isEqualTo(1);
    slowDatabase.look(agent, 7, PATIENCE, nothing());
    assertThat(queries.get()).as("a finished empty look begun 5 s ago stands for no one").isEqualTo(2);
  }

  @Test
  void aNewerGenerationAnotherAgentOrAnotherMissionLooksForItself() throws Exception {
    looks.look(agent, 7, PATIENCE, nothing());
    looks.look(agent, 8, PATIENCE, nothing());
    looks.look(new SharedLooks.Key(UUID.randomUUID(), null), 8, PATIENCE, nothing());
    looks.look(new SharedLooks.Key(agent.agentId(), UUID.randomUUID()), 8, PATIENCE, nothing());
    assertThat(queries.get()).isEqualTo(4);
  }

  @Test
  void aLookThatFoundNoPermitIsNotSharedSoTheNextWaiterLooksItself() throws Exception {
    assertThat(looks.look(agent, 7, PATIENCE, () -> Optional.empty())).isEmpty();
    looks.look(agent, 7, PATIENCE, nothing());
    assertThat(queries.get()).isEqualTo(1);
  }

  @Test
  void aDiagnosisIsSharedAtOneGenerationAndTakenAgainAtTheNext() throws Exception {
    AtomicInteger diagnoses = new AtomicInteger();
    SharedLooks.Diagnosis<String> diagnose = () -> Optional.of(Optional.of("reason " + diagnoses.incrementAndGet()));
    UUID id = agent.agentId();
    assertThat(looks.reason(id, 3, diagnose)).contains("reason 1");
    assertThat(looks.reason(id, 3, diagnose)).contains("reason 1");
    assertThat(looks.reason(id, 4, diagnose)).contains("reason 2");
    assertThat(diagnoses.get()).isEqualTo(2);
  }
}
