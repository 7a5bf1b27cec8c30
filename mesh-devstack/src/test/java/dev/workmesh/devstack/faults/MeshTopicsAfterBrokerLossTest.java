package dev.workmesh.devstack.faults;

import static org.awaitility.Awaitility.await;

import dev.workmesh.client.MeshClient;
import dev.workmesh.client.model.MissionView;
import dev.workmesh.client.model.TaskRequest;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Map;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** A broker that comes back without the mesh topics (replaced, or its data lost) gets them from mesh-api. */
class MeshTopicsAfterBrokerLossTest {

  @TempDir Path dir;
  FaultStack stack;

  @AfterEach
  void stop() {
    if (stack != null) {
      stack.close();
    }
  }

  @Test
  void aBrokerThatLostTheMeshTopicsGetsThemBackAndTheOutboxDrains() throws Exception {
    stack = FaultStack.start(dir, FaultLedger.unlisted("broker lost the mesh topics"));
    FaultStack.Service api = stack.startApi("mesh-api", Map.of());
    MeshClient mesh = FaultStack.operator(api.url());
    MissionView mission = mesh.createMission("d1", "");
    MeshDatabase db = stack.database();
    await().atMost(Duration.ofSeconds(30)).until(() -> db.unpublishedOutbox() == 0);

    stack.stopKafka();
    stack.startKafka(); // a fresh broker: the mesh topics are gone
    mesh.submit(mission.id(), TaskRequest.of("after the broker loss", ""));

    await("the outbox drains on a broker that lost the topics").atMost(Duration.ofSeconds(60))
        .pollInterval(Duration.ofMillis(500)).until(() -> db.unpublishedOutbox() == 0);
  }
}
