package dev.workmesh.worker.dispatch;

import static org.assertj.core.api.Assertions.assertThat;

import dev.workmesh.client.wire.DispatchRecord;
import dev.workmesh.core.MeshJson;
import dev.workmesh.core.outbox.MeshTopics;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.List;
import java.util.UUID;
import org.junit.jupiter.api.Test;

/**
 * The dispatch record mesh-core writes to the outbox is the one the worker reads from Kafka, in the same
 * JSON as always; the worker's topic names are mesh-core's.
 */
class DispatchWireContractTest {

  @Test
  void aDispatchRecordAsMeshCoreWritesItIsReadWhole() {
    UUID agent = UUID.randomUUID();
    DispatchRecord record = new DispatchRecord(UUID.randomUUID(), UUID.randomUUID(), "broadcast", "gpu", 7,
        List.of("cuda"), List.of(agent), "submitted", Instant.parse("2026-01-02T03:04:05Z"));

    DispatchRecord hint = DispatchRecord.parse(MeshJson.mapper().writeValueAsBytes(record)).orElseThrow();

    assertThat(hint).usingRecursiveComparison().isEqualTo(record);
    assertThat(hint.targets(agent)).isTrue();
    assertThat(hint.targets(UUID.randomUUID())).isFalse();
  }

  @Test
  void theJsonOnKafkaKeepsItsFieldsNamesAndOrder() {
    UUID task = UUID.fromString("00000000-0000-0000-0000-000000000001");
    UUID mission = UUID.fromString("00000000-0000-0000-0000-000000000002");
    UUID agent = UUID.fromString("00000000-0000-0000-0000-000000000003");
    DispatchRecord record = new DispatchRecord(task, mission, "assigned", "gpu", 7, List.of("cuda"), List.of(agent),
        "redispatch", Instant.parse("2026-01-02T03:04:05Z"));

    assertThat(MeshJson.mapper().writeValueAsString(record)).isEqualTo(
        "{\"task_id\":\"" + task + "\",\"mission_id\":\"" + mission + "\",\"claim_policy\":\"assigned\",\"pool\":\"gpu\","
            + "\"priority\":7,\"required_capabilities\":[\"cuda\"],\"targets\":[\"" + agent + "\"],\"reason\":\"redispatch\","
            + "\"dispatched_at\":\"2026-01-02T03:04:05Z\"}");
  }

  @Test
  void somethingElseIsNoHint() {
    assertThat(DispatchRecord.parse("not json".getBytes(StandardCharsets.UTF_8))).isEmpty();
    assertThat(DispatchRecord.parse("{\"pool\": \"x\"}".getBytes(StandardCharsets.UTF_8))).isEmpty();
    assertThat(DispatchRecord.parse(null)).isEmpty();
  }

  @Test
  void topicAndGroupNamesAreMeshCoresWithThePrefix() {
    MeshTopics core = new MeshTopics("t1.");
    WorkerTopics worker = new WorkerTopics("t1.");
    assertThat(worker.pooled()).isEqualTo(core.pooled());
    assertThat(worker.directed()).isEqualTo(core.directed());
    assertThat(worker.poolShareGroup("gpu")).isEqualTo(core.poolShareGroup("gpu"));
  }

  @Test
  void aShareConsumerGetsAtMostItsPollRecordsPerPollWithExplicitAcknowledgement() {
    var config = KafkaClientConfigs.shareConsumer(
        java.util.Map.of("bootstrap.servers", "k:9092", "auto.offset.reset", "latest", "enable.auto.commit", true), "g", "c",
        3);
    assertThat(config).containsEntry("share.acknowledgement.mode", "explicit")
        .containsEntry("share.acquire.mode", "record_limit")
        .containsEntry("max.poll.records", 3)
        .containsEntry("group.id", "g")
        .doesNotContainKeys("auto.offset.reset", "enable.auto.commit");
  }
}
