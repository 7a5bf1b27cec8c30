package dev.workmesh.api.config;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import org.junit.jupiter.api.Test;

/** Every number setting has its documented default, and a value out of range names its key and its range. */
class MeshApiPropertiesTest {

  @Test
  void unsetNumbersTakeTheirDocumentedDefaults() {
    assertThat(new MeshApiProperties.LongPoll(null, null, null))
        .isEqualTo(new MeshApiProperties.LongPoll(10_000, 8, java.time.Duration.ofSeconds(2)));
    assertThat(new MeshApiProperties.SubmitRate(null, null)).isEqualTo(new MeshApiProperties.SubmitRate(200, 1000));
    assertThat(new MeshApiProperties.Relay(null, null, null).batchSize()).isEqualTo(500);
    assertThat(new MeshApiProperties.Kafka(null, null, null, null).partitions()).isEqualTo(6);
  }

  @Test
  void aNumberOutOfRangeIsRefusedWithItsKeyAndRange() {
    assertThatThrownBy(() -> new MeshApiProperties.Relay(10_001, null, null))
        .hasMessage("mesh-api.relay.batch-size must be between 1 and 10000, got 10001");
    assertThatThrownBy(() -> new MeshApiProperties.LongPoll(-1, null, null))
        .hasMessage("mesh-api.long-poll.max-waiting must be at least 0, got -1");
    assertThatThrownBy(() -> new MeshApiProperties.LongPoll(null, null, java.time.Duration.ofMillis(50)))
        .hasMessage("mesh-api.long-poll.stranded-after must be between 100ms and 1h, got PT0.05S");
    assertThatThrownBy(() -> new MeshApiProperties.SubmitRate(200, 0))
        .hasMessage("mesh-api.submit-rate.burst must be at least 1, got 0");
    assertThatThrownBy(() -> new MeshApiProperties.Kafka(null, 0, null, null))
        .hasMessage("mesh-api.kafka.partitions must be at least 1, got 0");
  }
}
