package dev.workmesh.worker.dispatch;

import static org.assertj.core.api.Assertions.assertThat;

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
}
