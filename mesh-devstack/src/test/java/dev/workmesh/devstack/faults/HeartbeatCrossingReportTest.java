package dev.workmesh.devstack.faults;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import ch.qos.logback.classic.Logger;
import ch.qos.logback.classic.spi.ILoggingEvent;
import ch.qos.logback.core.read.ListAppender;
import dev.workmesh.client.MeshClient;
import dev.workmesh.client.model.MissionView;
import dev.workmesh.client.model.TaskRequest;
import dev.workmesh.testsupport.TcpProxy;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.stream.IntStream;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.slf4j.LoggerFactory;
import tools.jackson.databind.JsonNode;

/**
 * Over a slow link, an attempt's heartbeat is often still in flight when the attempt's own {@code complete}
 * lands, and then gets 409. The worker knows the attempt has ended and reported, so it does not take that
 * 409 for a lost claim.
 */
class HeartbeatCrossingReportTest {

  @TempDir Path dir;
  FaultStack stack;

  @AfterEach
  void stop() {
    if (stack != null) {
      stack.close();
    }
  }

  @Test
  void aHeartbeatThatCrossesTheAttemptsOwnCompletionIsNotLoggedAsALostClaim() throws Exception {
    try (TcpProxy slow = TcpProxy.to(0, Duration.ofMillis(150))) {
      stack = FaultStack.start(dir, FaultLedger.unlisted("heartbeat crossing its own report"));
      FaultStack.Service api = stack.startApi("mesh-api", Map.of());
      slow.retarget(api.port());
      // After every Spring context started: each start re-initialises logback and drops foreign appenders.
      Logger runnerLog = (Logger) LoggerFactory.getLogger("dev.workmesh.worker.attempt.AttemptRunner");
      ListAppender<ILoggingEvent> captured = new ListAppender<>();
      captured.start();
      runnerLog.setLevel(ch.qos.logback.classic.Level.INFO);
      runnerLog.addAppender(captured);
      try {
        stack.startWorker(slow.url(), "racer", "d9", 8);
        MeshClient mesh = FaultStack.operator(api.url());
        MissionView mission = mesh.createMission("d9", "");
        JsonNode input = MeshClient.JSON.readTree("{\"argv\": [\"/bin/true\"]}");
        mesh.submitAll(mission.id(), IntStream.range(0, 40).mapToObj(i -> new TaskRequest("true " + i, "", null, null,
            "d9", null, null, "exec", input, null, null, null, null, null, "d9-" + i)).toList());
        MeshDatabase db = stack.database();
        await().atMost(Duration.ofSeconds(90)).until(() -> db.openTasks(mission.id()) == 0);
        assertThat(db.count("SELECT count(*) FROM attempt WHERE outcome = 'lost'")).as("no claim was lost").isZero();
        assertThat(captured.list).as("the worker's log was captured").anyMatch(e -> e.getFormattedMessage().startsWith("Running task"));
        List<String> falseAlarms = captured.list.stream().map(ILoggingEvent::getFormattedMessage)
            .filter(m -> m.contains("lost its claim")).toList();
        assertThat(falseAlarms).as("attempts that succeeded reported as lost claims").isEmpty();
      } finally {
        runnerLog.detachAppender(captured);
      }
    }
  }
}
