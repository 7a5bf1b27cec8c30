package dev.workmesh.worker.dispatch;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import org.junit.jupiter.api.Test;

class SlotsTest {

  @Test
  void aSlotIsFreedOnceHoweverOftenItIsReleased() {
    Slots slots = new Slots(2);
    Slots.Permit one = slots.tryAcquire().orElseThrow();
    assertThat(slots.acquireAllFree()).hasSize(1);
    assertThat(slots.tryAcquire()).isEmpty();
    one.release();
    one.release();
    assertThat(slots.free()).isEqualTo(1);
    assertThat(slots.busy()).isEqualTo(1);
  }

  @Test
  void anEndedAttemptHandsItsSlotToAReportPermitWhileTheAgentHasRoomForOne() {
    Slots slots = new Slots(2);
    slots.allowReportsInFlight(Slots.agentMaxConcurrency(2));
    Slots.Permit first = slots.tryAcquire().orElseThrow();
    Slots.Permit second = slots.tryAcquire().orElseThrow();

    assertThat(first.freeForReport()).isTrue();
    assertThat(first.freeForReport()).isFalse();
    assertThat(second.freeForReport()).isTrue();
    assertThat(slots.free()).isEqualTo(2);
    Slots.Permit next = slots.tryAcquire().orElseThrow();
    Slots.Permit another = slots.tryAcquire().orElseThrow();
    // Two reports on their way and two subagents running: the agent's max_concurrency of 4 is reached.
    assertThat(next.freeForReport()).isFalse();
    assertThat(slots.free()).isZero();

    first.release();
    first.release();
    assertThat(slots.free()).isZero();
    assertThat(next.freeForReport()).isTrue();
    assertThat(slots.free()).isEqualTo(1);
    second.release();
    next.release();
    another.release();
    assertThat(slots.free()).isEqualTo(2);
  }

  @Test
  void anAgentEnrolledWithoutRoomForReportsKeepsTheSlotUntilTheReportIsDone() {
    Slots slots = new Slots(3);
    slots.allowReportsInFlight(3);
    Slots.Permit permit = slots.tryAcquire().orElseThrow();
    assertThat(permit.freeForReport()).isFalse();
    assertThat(slots.free()).isEqualTo(2);
    permit.release();
    assertThat(slots.free()).isEqualTo(3);
  }

  @Test
  void aSlotFreedForItsReportFromTwoThreadsAtOnceIsFreedOnce() {
    Slots slots = new Slots(4);
    slots.allowReportsInFlight(Slots.agentMaxConcurrency(4));
    for (int round = 0; round < 500; round++) {
      List<Slots.Permit> permits = slots.acquireAllFree();
      assertThat(permits).hasSize(4);
      List<CompletableFuture<?>> racing = new ArrayList<>();
      for (Slots.Permit permit : permits) {
        racing.add(CompletableFuture.runAsync(permit::freeForReport));
        racing.add(CompletableFuture.runAsync(() -> {
          permit.freeForReport();
          permit.release();
        }));
      }
      CompletableFuture.allOf(racing.toArray(CompletableFuture[]::new)).join();
      assertThat(slots.free()).isEqualTo(4);
    }
  }
}
