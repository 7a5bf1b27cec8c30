package dev.workmesh.devstack.faults;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;
import ch.qos.logback.classic.Logger;
import ch.qos.logback.classic.spi.ILoggingEvent;
import ch.qos.logback.core.read.ListAppender;
import dev.workmesh.client.MeshClient;
import dev.workmesh.client.model.AgentRequest;
import dev.workmesh.client.model.EnrolledAgent;
import dev.workmesh.client.model.MissionView;
import dev.workmesh.client.model.TaskRequest;
import dev.workmesh.testsupport.embedded.EmbeddedKafkaServer;
import dev.workmesh.worker.TaskWorker;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.stream.IntStream;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.slf4j.LoggerFactory;
import tools.jackson.databind.JsonNode;

/** While PostgreSQL is down, mesh-api answers 503 problems with Retry-After, never a 500 with a trace. */
class DatabaseOutageAnswersTest {

  @TempDir Path dir;
  FaultStack stack;

  @AfterEach
  void stop() {
    if (stack != null) {
      stack.close();
    }
  }

  @Test
  void whileTheDatabaseIsDownTheApiAnswers503ProblemsNot500() throws Exception {
    stack = FaultStack.start(dir, FaultLedger.unlisted("database down answers"));
    FaultStack.Service api = stack.startApi("mesh-api", Map.of());
    MeshClient operator = FaultStack.operator(api.url());
    EnrolledAgent agent = operator.enrol(new AgentRequest("d8", List.of("d8"), List.of(), List.of(), 1, Map.of()));
    MissionView mission = operator.createMission("d8", "");
    stack.stopPostgres();
    HttpClient http = HttpClient.newHttpClient();
    for (String token : List.of(agent.token(), FaultStack.OPERATOR_TOKEN)) {
      HttpResponse<String> response = http.send(HttpRequest.newBuilder(
              URI.create(api.url() + "/work/missions/" + mission.id() + "/tasks"))
          .header("Authorization", "Bearer " + token).header("Content-Type", "application/json")
          .POST(HttpRequest.BodyPublishers.ofString("{\"title\":\"while the database is down\"}")).build(),
          HttpResponse.BodyHandlers.ofString());
      String who = token.equals(FaultStack.OPERATOR_TOKEN) ? "operator" : "agent";
      assertThat(response.statusCode()).as("%s: %s", who, response.body()).isEqualTo(503);
      assertThat(response.headers().firstValue("Content-Type").orElse("")).as(who).startsWith("application/problem+json");
      assertThat(response.headers().firstValue("Retry-After")).as(who).isPresent();
    }
  }

  @Test
  void whileTheDatabaseIsDownTheSchedulerAnswers503ProblemsWithRetryAfterNot500() throws Exception {
    stack = FaultStack.start(dir, FaultLedger.unlisted("database down answers, scheduler"));
    FaultStack.writeFile(dir.resolve("cron.toml"), """
        [[job]]
        name = "outage-report"
        schedule = "0 3 * * *"
        mission = "outage"
        [job.task]
        title = "Nightly report"
        """);
    FaultStack.Service scheduler = stack.startScheduler("scheduler-service", Map.of());
    HttpClient http = HttpClient.newHttpClient();
    HttpRequest history = HttpRequest.newBuilder(URI.create(scheduler.url() + "/schedules/outage-report/history"))
        .header("Authorization", "Bearer " + FaultStack.OPERATOR_TOKEN).GET().build();
    assertThat(http.send(history, HttpResponse.BodyHandlers.ofString()).statusCode()).isEqualTo(200);
    stack.stopPostgres();
    HttpResponse<String> response = http.send(history, HttpResponse.BodyHandlers.ofString());
    assertThat(response.statusCode()).as(response.body()).isEqualTo(503);
    assertThat(response.headers().firstValue("Content-Type").orElse("")).startsWith("application/problem+json");
    assertThat(response.headers().firstValue("Retry-After")).hasValue("5");
    assertThat(response.body()).contains("https://workmesh.dev/problems/service-unavailable")
        .doesNotContain("Exception");
  }
}
