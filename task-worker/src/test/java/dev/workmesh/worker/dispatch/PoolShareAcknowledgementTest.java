package dev.workmesh.worker.dispatch;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.Map;
import org.apache.kafka.clients.consumer.AcknowledgeType;
import org.junit.jupiter.api.Test;

/** When a pool consumer sends its acknowledgements on their own rather than with its next share fetch. */
class PoolShareAcknowledgementTest {

  @Test
  void acknowledgementsRideOnTheNextFetchWhileASlotIsFree() {
    Slots slots = new Slots(2);
    slots.tryAcquire().orElseThrow();
    assertThat(PoolShareConsumer.sendAcknowledgementsNow(Map.of("a", AcknowledgeType.ACCEPT), slots)).isFalse();
  }

  @Test
  void theyGoAtOnceWhenEverySlotIsBusy() {
    Slots slots = new Slots(1);
    slots.tryAcquire().orElseThrow();
    assertThat(PoolShareConsumer.sendAcknowledgementsNow(Map.of("a", AcknowledgeType.ACCEPT), slots)).isTrue();
  }

  @Test
  void theyGoAtOnceWhenARecordWasReleasedForAnotherMember() {
    Slots slots = new Slots(2);
    assertThat(PoolShareConsumer.sendAcknowledgementsNow(
        Map.of("a", AcknowledgeType.ACCEPT, "b", AcknowledgeType.RELEASE), slots)).isTrue();
  }
}
