package dev.workmesh.api;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import dev.workmesh.client.MeshClient;
import dev.workmesh.client.model.ClaimView;
import dev.workmesh.client.model.CompleteRequest;
import dev.workmesh.client.model.EnrolledAgent;
import dev.workmesh.client.model.MissionView;
import dev.workmesh.client.model.TaskRequest;
import dev.workmesh.client.model.TaskView;
import dev.workmesh.core.outbox.MeshTopics;
import java.io.BufferedReader;
import java.io.InputStream;
import java.io.InputStreamReader;
import java.net.URI;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.common.serialization.StringDeserializer;
import org.junit.jupiter.api.Test;
import tools.jackson.databind.JsonNode;

/** Publication to Kafka through the outbox, and live events over SSE with resume. */
class KafkaAndEventsTest extends ApiTestBase {

  @Test
  void aSubmittedTasksDispatchRecordAppearsOnKafkaExactlyAsDocumented() {
    MissionView mission = newMission();
    TaskView task = operator().submit(mission.id(), new TaskRequest("pooled", "", null, null, "gpu",
        List.of("cuda"), 7, null, null, null, null, null, null, null, null)).task();
    MeshTopics topics = new MeshTopics(env().kafka().topicPrefix());
    ConsumerRecord<String, String> record = firstRecordFor(topics.pooled(), task.id());
    assertThat(record.key()).isEqualTo(task.id().toString());
    JsonNode json = MeshClient.JSON.readTree(record.value());
    assertThat(json.get("task_id").asString()).isEqualTo(task.id().toString());
    assertThat(json.get("mission_id").asString()).isEqualTo(mission.id().toString());
    assertThat(json.get("claim_policy").asString()).isEqualTo("first_claim");
    assertThat(json.get("pool").asString()).isEqualTo("gpu");
    assertThat(json.get("priority").asInt()).isEqualTo(7);
    assertThat(json.get("required_capabilities").get(0).asString()).isEqualTo("cuda");
    assertThat(json.get("targets").isEmpty()).isTrue();
    assertThat(json.get("reason").asString()).isEqualTo("submitted");
    assertThat(record.headers().lastHeader("mesh-outbox-id")).isNotNull();

    ConsumerRecord<String, String> event = firstRecordFor(topics.taskEvents(), task.id());
    assertThat(MeshClient.JSON.readTree(event.value()).get("type").asString()).isEqualTo("task.ready");
  }

  @Test
  void aTopicTheBrokerLostIsCreatedAgainAndTheOutboxDrainsIntoIt() throws Exception {
    MeshTopics topics = new MeshTopics(env().kafka().topicPrefix());
    try (Admin admin = env().kafka().admin()) {
      admin.deleteTopics(List.of(topics.pooled())).all().get(30, TimeUnit.SECONDS);
      TaskView task = operator().submit(newMission().id(), new TaskRequest("after the loss", "", null, null, "lost",
          null, null, null, null, null, null, null, null, null, null)).task();

      await("the relay creates the lost topic again").atMost(Duration.ofSeconds(60))
          .until(() -> admin.listTopics().names().get(10, TimeUnit.SECONDS).contains(topics.pooled()));
      assertThat(firstRecordFor(topics.pooled(), task.id()).key()).isEqualTo(task.id().toString());
    }
  }

  @Test
  void missionEventsStreamOverSseAndResumeFromLastEventId() throws Exception {
    MissionView mission = newMission();
    EnrolledAgent agent = enrol("sse-" + UUID.randomUUID().toString().substring(0, 6));
    List<String[]> received = new CopyOnWriteArrayList<>();
    InputStream stream = openEvents(mission.id(), null, received);

    TaskView task = operator().submit(mission.id(), new TaskRequest("watched", "", null, null,
        agent.agent().pools().getFirst(), null, null, null, null, null, null, null, null, null, null)).task();
    await().atMost(Duration.ofSeconds(20)).until(() -> received.stream().anyMatch(e -> e[1].equals("task.ready")));
    String readyId = received.stream().filter(e -> e[1].equals("task.ready")).findFirst().orElseThrow()[0];
    stream.close();

    ClaimView claim = as(agent.token()).claimTask(task.id()).orElseThrow();
    as(agent.token()).complete(task.id(), new CompleteRequest(claim.claimToken(), null, 0, null));

    List<String[]> resumed = new CopyOnWriteArrayList<>();
    InputStream again = openEvents(mission.id(), readyId, resumed);
    await().atMost(Duration.ofSeconds(20)).until(() -> resumed.stream().anyMatch(e -> e[1].equals("task.succeeded")));
    again.close();
    assertThat(resumed).extracting(e -> e[1]).containsSubsequence("task.claimed", "task.succeeded")
        .doesNotContain("task.ready");
    assertThat(resumed).allSatisfy(e -> assertThat(Long.parseLong(e[0])).isGreaterThan(Long.parseLong(readyId)));
  }

  /** Opens the SSE stream and collects [id, event name] pairs on a background thread. */
  private InputStream openEvents(UUID mission, String lastEventId, List<String[]> sink) throws Exception {
    HttpRequest.Builder b = HttpRequest.newBuilder(URI.create(baseUrl() + "/work/missions/" + mission + "/events"))
        .header("Authorization", "Bearer " + OPERATOR_TOKEN).header("Accept", "text/event-stream");
    if (lastEventId != null) {
      b.header("Last-Event-ID", lastEventId);
    }
    HttpResponse<InputStream> response = HTTP.send(b.build(), HttpResponse.BodyHandlers.ofInputStream());
    assertThat(response.statusCode()).isEqualTo(200);
    InputStream body = response.body();
    Thread.ofVirtual().start(() -> {
      try (BufferedReader reader = new BufferedReader(new InputStreamReader(body, StandardCharsets.UTF_8))) {
        String id = null;
        String line;
        while ((line = reader.readLine()) != null) {
          if (line.startsWith("id:")) {
            id = line.substring(3).strip();
          } else if (line.startsWith("event:")) {
            sink.add(new String[] {id, line.substring(6).strip()});
          }
        }
      } catch (Exception closed) {
        // the test closed the stream
      }
    });
    return body;
  }

  private ConsumerRecord<String, String> firstRecordFor(String topic, UUID taskId) {
    try (KafkaConsumer<String, String> consumer = new KafkaConsumer<>(Map.of(
        ConsumerConfig.BOOTSTRAP_SERVERS_CONFIG, env().kafka().bootstrapServers(),
        ConsumerConfig.GROUP_ID_CONFIG, "test-" + UUID.randomUUID(),
        ConsumerConfig.AUTO_OFFSET_RESET_CONFIG, "earliest"), new StringDeserializer(), new StringDeserializer())) {
      consumer.subscribe(List.of(topic));
      List<ConsumerRecord<String, String>> found = new ArrayList<>();
      await().atMost(Duration.ofSeconds(30)).until(() -> {
        consumer.poll(Duration.ofMillis(200)).forEach(r -> {
          if (taskId.toString().equals(r.key())) {
            found.add(r);
          }
        });
        return !found.isEmpty();
      });
      return found.getFirst();
    }
  }
}
