package dev.workmesh.api.claim;

import static org.assertj.core.api.Assertions.assertThatCode;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import org.junit.jupiter.api.Test;

/** A connector without room for the long-poll ceiling and the headroom stops the service, naming both settings. */
class LongPollConnectionsTest {

  @Test
  void aConnectorWithoutRoomForTheCeilingIsRefusedNamingBothSettings() {
    assertThatThrownBy(() -> LongPollConnections.requireRoom(11_023, 10_000))
        .hasMessageContaining("server.tomcat.max-connections (11023)")
        .hasMessageContaining("mesh-api.long-poll.max-waiting (10000) plus 1024");
    assertThatCode(() -> LongPollConnections.requireRoom(11_024, 10_000)).doesNotThrowAnyException();
    assertThatCode(() -> LongPollConnections.requireRoom(-1, 10_000)).as("-1: Tomcat sets no limit")
        .doesNotThrowAnyException();
  }
}
