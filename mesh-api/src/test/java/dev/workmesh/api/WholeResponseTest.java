package dev.workmesh.api;

import static org.assertj.core.api.Assertions.assertThat;

import dev.workmesh.client.MeshClient;
import dev.workmesh.client.model.MissionView;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import org.junit.jupiter.api.Test;
import tools.jackson.databind.JsonNode;

/**
 * A JSON answer goes out whole, with its Content-Length, not chunked ({@code WholeResponseFilter}); one
 * larger than the response buffer still arrives complete. The tests' contract recorder buffers every
 * {@code /work} answer itself, so the headers are checked on the actuator's health answer, which Spring's
 * message converter writes and flushes as it writes the API's. The event stream, which must not wait, is
 * KafkaAndEventsTest's.
 */
class WholeResponseTest extends ApiTestBase {

  @Test
  void aConvertedAnswerCarriesItsLengthAndIsNotChunked() throws Exception {
    HttpResponse<String> health = raw("GET", "/actuator/health", null, null);
    assertThat(health.statusCode()).isEqualTo(200);
    assertThat(health.headers().firstValue("Transfer-Encoding")).isEmpty();
    assertThat(health.headers().firstValueAsLong("Content-Length"))
        .hasValue(health.body().getBytes(StandardCharsets.UTF_8).length);
    assertThat(MeshClient.JSON.readTree(health.body()).get("status").asString()).isEqualTo("UP");
  }

  @Test
  void anAnswerLargerThanTheResponseBufferArrivesWhole() throws Exception {
    MissionView mission = operator().createMission("large-answer", "");
    StringBuilder batch = new StringBuilder("[");
    for (int i = 0; i < 20; i++) {
      batch.append(i == 0 ? "" : ",").append("{\"title\":\"task ").append(i).append("\",\"description\":\"")
          .append("y".repeat(1_000)).append("\"}");
    }
    assertThat(raw("POST", "/work/missions/" + mission.id() + "/tasks", OPERATOR_TOKEN, batch.append("]").toString())
        .statusCode()).isEqualTo(201);

    HttpResponse<String> page = raw("GET", "/work/missions/" + mission.id() + "/tasks?limit=20", OPERATOR_TOKEN, null);
    assertThat(page.statusCode()).isEqualTo(200);
    assertThat(page.body().length()).isGreaterThan(16 * 1024);
    JsonNode items = MeshClient.JSON.readTree(page.body()).get("items");
    assertThat(items.size()).isEqualTo(20);
    assertThat(items.get(19).get("description").asString()).hasSize(1_000);
  }
}
