package dev.workmesh.api;

import static org.assertj.core.api.Assertions.assertThat;

import dev.workmesh.api.contract.MeshApiContract;
import dev.workmesh.testsupport.contract.GeneratedRequests;
import dev.workmesh.client.model.AgentRequest;
import dev.workmesh.client.model.EnrolledAgent;
import dev.workmesh.client.model.MissionView;
import dev.workmesh.client.model.TaskRequest;
import dev.workmesh.client.model.TaskView;
import java.net.http.HttpResponse;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.jdbc.core.JdbcTemplate;

/**
 * Requests made from the OpenAPI document for every operation, half of them broken in one place: none
 * gets a 5xx, every answer keeps to the document (ApiTestBase's contract check), and a refused request
 * changes no mission, task, attempt or agent. The seed is printed; rerun with -Dcontract.seed=N.
 */
class GeneratedRequestsTest extends ApiTestBase {

  static final int REQUESTS_PER_OPERATION = 24;

  /** Missions, tasks (status, attempt, cancellation), attempts (outcome) and agents (status), as one string. */
  static final String STATE = """
      SELECT (SELECT count(*) FROM mission) || '/'
          || (SELECT count(*) || ':' || coalesce(sum(hashtext(id::text || status || attempt || cancel_requested::text)), 0) FROM task) || '/'
          || (SELECT count(*) || ':' || coalesce(sum(hashtext(id::text || coalesce(outcome, '-'))), 0) FROM attempt) || '/'
          || (SELECT count(*) || ':' || coalesce(sum(hashtext(id::text || status)), 0) FROM agent)
      """;

  @Autowired JdbcTemplate jdbc;

  private final List<UUID> missions = new ArrayList<>();

  @AfterEach
  void cancelWhatWasLeftClaimable() {
    for (UUID mission : missions) {
      for (TaskView t : operator().tasks(mission, null, null, 500).items()) {
        if (List.of("pending", "ready", "claimed", "running").contains(t.status())) {
          operator().cancel(t.id());
        }
      }
    }
  }

  @Test
  void requestsMadeFromTheDocumentGetNo5xxKeepToItAndARefusedOneChangesNothing() throws Exception {
    String pool = "contract-" + UUID.randomUUID();
    MissionView mission = newMission();
    missions.add(mission.id());
    EnrolledAgent agent = operator().enrol(new AgentRequest("contract-agent", List.of(pool), List.of(), List.of(),
        4, Map.of()));
    List<UUID> agents = new ArrayList<>();
    for (int i = 0; i < 2; i++) {
      agents.add(operator().enrol(new AgentRequest("contract-victim-" + i, List.of(pool), List.of(), List.of(), 1,
          Map.of())).agent().id());
    }
    List<UUID> tasks = new ArrayList<>();
    for (int i = 0; i < 4; i++) {
      tasks.add(operator().submit(mission.id(), new TaskRequest("t" + i, "", null, null, pool, null, null, null,
          null, null, null, null, null, null, null)).task().id());
    }
    List<UUID> any = new ArrayList<>(tasks);
    any.add(mission.id());
    any.addAll(agents);
    any.add(agent.agent().id());
    GeneratedRequests.Outcome outcome = GeneratedRequests.send("GeneratedRequestsTest", MeshApiContract.document(),
        template -> {
          if (template.startsWith("/work/missions/")) {
            return List.of(mission.id());
          }
          if (template.startsWith("/work/tasks/")) {
            return tasks;
          }
          if (template.startsWith("/work/agents/")) {
            return agents;
          }
          return any;
        }, REQUESTS_PER_OPERATION, new GeneratedRequests.Service() {
          @Override
          public HttpResponse<String> send(GeneratedRequests.Request request) {
            try {
              return raw(request.operation().method(), request.target(), request.token(), request.body());
            } catch (Exception e) {
              throw new IllegalStateException("cannot send " + request.target(), e);
            }
          }

          @Override
          public String state() {
            return jdbc.queryForObject(STATE, String.class);
          }

          @Override
          public List<String> tokens() {
            return List.of(agent.token(), OPERATOR_TOKEN, OPERATOR_TOKEN); // a third of them the agent's
          }
        });
    assertThat(outcome.refused()).as("broken requests were refused").isGreaterThan(100);
    assertThat(outcome.statuses().keySet()).as("valid requests were accepted")
        .anyMatch(k -> k.startsWith("submitTasks:201")).anyMatch(k -> k.startsWith("createMission:201"));
    // A won claim needs the agent's own token and id together, which a random draw may miss in 24
    // tries (GeneratedClientTest claims for sure); across operations, many must have been accepted.
    assertThat(outcome.statuses().keySet().stream().filter(k -> k.matches(".*:2\\d\\d"))
        .map(k -> k.split(":")[0]).distinct().count())
        .as("operations that accepted a generated request").isGreaterThanOrEqualTo(10);
  }
}
