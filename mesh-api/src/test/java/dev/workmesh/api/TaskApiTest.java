package dev.workmesh.api;

import static org.assertj.core.api.Assertions.assertThat;

import dev.workmesh.client.MeshClient.Submitted;
import dev.workmesh.client.model.MissionView;
import dev.workmesh.client.model.Page;
import dev.workmesh.client.model.TaskRequest;
import dev.workmesh.client.model.TaskView;
import java.net.http.HttpResponse;
import java.util.ArrayList;
import java.util.List;
import java.util.stream.IntStream;
import org.junit.jupiter.api.Test;

/** Missions and tasks through HTTP: submit, replay, batch, list with filters and cursors, read. */
class TaskApiTest extends ApiTestBase {

  @Test
  void aMissionIsCreatedListedAndShownWithItsTaskCounts() {
    MissionView mission = newMission();
    operator().submit(mission.id(), TaskRequest.of("one", "do one"));
    operator().submit(mission.id(), TaskRequest.of("two", "do two"));
    MissionView shown = operator().mission(mission.id());
    assertThat(shown.name()).isEqualTo(mission.name());
    assertThat(shown.taskCounts()).containsEntry("ready", 2L).containsEntry("succeeded", 0L);

    List<String> names = new ArrayList<>();
    String cursor = null;
    do {
      Page<MissionView> page = operator().missions(cursor, 2);
      page.items().forEach(m -> names.add(m.name()));
      cursor = page.nextCursor();
    } while (cursor != null);
    assertThat(names).contains(mission.name()).doesNotHaveDuplicates();
  }

  @Test
  void aSubmissionIs201AndAnIdempotentReplayIs200WithTheSameTask() throws Exception {
    MissionView mission = newMission();
    TaskRequest request = TaskRequest.of("build", "make build").withIdempotencyKey("build-42");
    Submitted first = operator().submit(mission.id(), request);
    Submitted again = operator().submit(mission.id(), request);
    assertThat(first.replay()).isFalse();
    assertThat(again.replay()).isTrue();
    assertThat(again.task().id()).isEqualTo(first.task().id());
    assertThat(first.task().status()).isEqualTo("ready");
    assertThat(first.task().pool()).isEqualTo("default");
    assertThat(first.task().maxAttempts()).isEqualTo(3);

    HttpResponse<String> raw = raw("POST", "/work/missions/" + mission.id() + "/tasks", OPERATOR_TOKEN,
        "{\"title\":\"t\",\"claim_policy\":\"first_claim\",\"priority\":5,\"timeout\":\"2h30m\"}");
    assertThat(raw.statusCode()).isEqualTo(201);
    assertThat(raw.headers().firstValue("Location")).hasValueSatisfying(l -> assertThat(l).startsWith("/work/tasks/"));
    assertThat(raw.body()).contains("\"timeout\":\"2h30m\"").contains("\"claim_policy\":\"first_claim\"");
  }

  @Test
  void anArrayBodySubmitsABatchAndTasksArePagedWithAStatusFilter() {
    MissionView mission = newMission();
    List<TaskRequest> batch = IntStream.range(0, 7).mapToObj(i -> TaskRequest.of("t" + i, "")).toList();
    List<TaskView> created = operator().submitAll(mission.id(), batch);
    assertThat(created).hasSize(7);
    operator().cancel(created.get(3).id());

    List<TaskView> ready = new ArrayList<>();
    String cursor = null;
    do {
      Page<TaskView> page = operator().tasks(mission.id(), "ready", cursor, 4);
      ready.addAll(page.items());
      cursor = page.nextCursor();
    } while (cursor != null);
    assertThat(ready).hasSize(6).extracting(TaskView::status).containsOnly("ready");
    assertThat(operator().tasks(mission.id(), "cancelled", null, 10).items())
        .extracting(TaskView::id).containsExactly(created.get(3).id());
  }

  @Test
  void aTaskIsShownWithItsAttempts() {
    MissionView mission = newMission();
    var agent = enrol("default");
    TaskView task = operator().submit(mission.id(), TaskRequest.of("look", "")).task();
    var claim = as(agent.token()).claimTask(task.id()).orElseThrow();
    TaskView shown = operator().task(task.id());
    assertThat(shown.status()).isEqualTo("claimed");
    assertThat(shown.attempts()).singleElement().satisfies(a -> {
      assertThat(a.agentId()).isEqualTo(agent.agent().id());
      assertThat(a.id()).isEqualTo(claim.attemptId());
      assertThat(a.outcome()).isNull();
    });
  }
}
