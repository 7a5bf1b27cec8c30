package dev.workmesh.core.task;

import static org.assertj.core.api.Assertions.assertThat;

import dev.workmesh.client.model.TaskRequest;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import org.junit.jupiter.api.Test;
import tools.jackson.databind.json.JsonMapper;

/** Copying a task's fields by name keeps every value, in the wire form where the types differ. */
class TaskRecordsTest {

  /** A record with some of the submission's fields. */
  record Wire(String title, String description, String claimPolicy, UUID assignedAgent, String timeout,
      Instant notBefore, List<UUID> dependsOn) {}

  @Test
  void aSubmissionSurvivesACopyUnchanged() {
    TaskRequest task = NewTask.builder("t").description("d").claimPolicy(ClaimPolicy.ASSIGNED)
        .assignedAgent(UUID.randomUUID()).pool("p").requiredCapabilities(List.of("git")).priority(7)
        .runtime("bash").input(JsonMapper.shared().readTree("{\"command\": \"make\"}")).maxAttempts(2)
        .timeout(Duration.ofMinutes(150).plusMillis(5)).notBefore(Instant.parse("2030-01-01T09:00:00.123456Z"))
        .dependsOn(List.of(UUID.randomUUID())).parentTaskId(UUID.randomUUID()).idempotencyKey("k").build();

    assertThat(TaskRecords.copy(task, TaskRequest.class)).isEqualTo(task);
  }

  @Test
  void missingFieldsStayNullAndTypesMeetInTheirWireForms() {
    TaskRequest task = NewTask.builder("t").claimPolicy(ClaimPolicy.BROADCAST).timeout(Duration.ofMinutes(150)).build();

    Wire wire = TaskRecords.copy(task, Wire.class);

    assertThat(wire).isEqualTo(new Wire("t", null, "broadcast", null, "2h30m", null, null));
    assertThat(TaskRecords.copy(wire, TaskRequest.class, Map.of("timeout", Duration.ofSeconds(5))))
        .isEqualTo(NewTask.builder("t").claimPolicy(ClaimPolicy.BROADCAST).timeout(Duration.ofSeconds(5)).build());
    assertThat(TaskRecords.copy(wire, TaskRequest.class, java.util.Collections.singletonMap("claimPolicy", null))
        .claimPolicy()).isNull();
  }

  /** A view with a field the task lacks (a primitive) and one given in place of the task's. */
  record Shown(String title, tools.jackson.databind.JsonNode input, Integer priority, int attempt, String status,
      List<String> requiredCapabilities) {}

  @Test
  void aCopyOwnsItsJsonFillsWhatTheSourceLacksAndTakesReplacementsInWireForm() {
    TaskRequest task = NewTask.builder("t").input(JsonMapper.shared().readTree("{\"a\": [1, 2]}")).priority(3)
        .requiredCapabilities(List.of("git")).build();

    Shown shown = TaskRecords.copy(task, Shown.class, Map.of("status", TaskStatus.READY));

    assertThat(shown).isEqualTo(new Shown("t", task.input(), 3, 0, "ready", List.of("git")));
    assertThat(shown.input()).isNotSameAs(task.input());
    assertThat(TaskRecords.copy(shown, Shown.class, java.util.Collections.singletonMap("priority", null)).priority())
        .isNull();
  }

  @Test
  void theWireNamesAreThoseTheWireTreeWrites() {
    TaskRequest task = NewTask.builder("t").build();

    assertThat(TaskRecords.wireTree(task).propertyNames()).containsExactlyElementsOf(
        TaskRecords.wireNames(TaskRequest.class));
    assertThat(TaskRecords.wireNames(TaskRequest.class)).contains("required_capabilities", "not_before", "parent_task_id");
  }
}
