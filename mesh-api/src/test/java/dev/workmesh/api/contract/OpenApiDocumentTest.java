package dev.workmesh.api.contract;

import static org.assertj.core.api.Assertions.assertThat;

import dev.workmesh.testsupport.contract.ContractCheck;
import dev.workmesh.testsupport.contract.Exchange;
import dev.workmesh.testsupport.contract.OpenApiDocument;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.junit.jupiter.api.Test;
import tools.jackson.databind.JsonNode;

/** The document is well formed, and the check that holds the server to it catches each kind of drift. */
class OpenApiDocumentTest {

  private final OpenApiDocument doc = MeshApiContract.document();
  private final ContractCheck check = new ContractCheck(doc);

  @Test
  void isOpenApi31WithBearerSecurityAndAnIdTagAndProblemForEveryOperation() {
    assertThat(doc.root().path("openapi").asString()).isEqualTo("3.1.0");
    assertThat(doc.root().path("security").get(0).has("bearer")).isTrue();
    assertThat(doc.root().at("/components/securitySchemes/bearer/scheme").asString()).isEqualTo("bearer");
    Set<String> ids = new HashSet<>();
    for (OpenApiDocument.Operation op : doc.operations()) {
      assertThat(ids.add(op.id())).as("unique operationId " + op.id()).isTrue();
      assertThat(op.definition().path("tags").isEmpty()).as(op.id() + " has a tag").isFalse();
      for (var r : op.definition().path("responses").properties()) {
        int status = Integer.parseInt(r.getKey());
        JsonNode content = doc.resolve(r.getValue()).path("content");
        if (status >= 400) {
          assertThat(content.has("application/problem+json")).as(op.id() + " " + status + " is a problem").isTrue();
        }
      }
      assertThat(op.definition().path("responses").has("401")).as(op.id() + " documents 401").isTrue();
    }
    assertThat(ids).hasSize(27);
  }

  @Test
  void everyReferenceResolves() {
    List<String> broken = new ArrayList<>();
    collectBroken(doc.root(), "", broken);
    assertThat(broken).isEmpty();
  }

  @Test
  void aResponseWithAnUndocumentedStatusIsDrift() {
    assertThat(check.violations(exchange("GET", "/work/tasks/" + UUID, 418, "application/problem+json",
        "{\"type\":\"about:blank\",\"title\":\"x\",\"status\":418}")))
        .singleElement().asString().contains("status 418 is not documented");
  }

  @Test
  void aResponseFieldInCamelCaseOrMissingIsDrift() {
    String agent = "{\"id\":\"" + UUID + "\",\"name\":\"a\",\"pools\":[],\"capabilities\":[],\"runtimes\":[],"
        + "\"maxConcurrency\":1,\"labels\":{},\"status\":\"connected\",\"enrolled_at\":\"2026-01-01T00:00:00Z\","
        + "\"last_heartbeat_at\":null,\"status_changed_at\":null}";
    assertThat(check.violations(exchange("GET", "/work/agents/" + UUID, 200, "application/json", agent)))
        .singleElement().asString().contains("max_concurrency");
  }

  @Test
  void anErrorThatIsNotProblemJsonIsDrift() {
    assertThat(check.violations(exchange("GET", "/work/tasks/" + UUID, 404, "text/html", "<html/>")))
        .singleElement().asString().contains("text/html is not documented");
  }

  @Test
  void acceptingARequestTheDocumentRefusesIsDrift() {
    Exchange x = new Exchange("POST", "/work/missions", Map.of(), "application/json",
        "{\"name\":\"m\",\"unknown_field\":1}".getBytes(StandardCharsets.UTF_8), 201, "application/json",
        ("{\"id\":\"" + UUID + "\",\"name\":\"m\",\"description\":null,\"created_at\":\"2026-01-01T00:00:00Z\","
            + "\"task_counts\":{},\"budget\":null,\"spent\":{\"input_tokens\":0,\"output_tokens\":0,\"tokens\":0,"
            + "\"cost_usd\":0},\"budget_exhausted\":false}").getBytes(StandardCharsets.UTF_8));
    assertThat(check.violations(x)).singleElement().asString().contains("accepted a request the document refuses");
  }

  @Test
  void aScalarOfAnotherTypeIsARequestViolation() {
    var op = doc.find("POST", "/work/missions/" + UUID + "/tasks").orElseThrow();
    assertThat(check.requestViolations(op, body(op, "{\"title\":123,\"priority\":\"5\"}"))).isNotEmpty();
    assertThat(check.requestViolations(op, body(op, "{\"title\":\"t\",\"priority\":\" \"}"))).isNotEmpty();
    assertThat(check.requestViolations(op, body(op, "{\"title\":\"t\",\"priority\":1e400}")))
        .singleElement().asString().contains("out of every documented range");
  }

  @Test
  void refusingARequestTheDocumentRefusesIsNoDrift() {
    Exchange x = new Exchange("GET", "/work/missions", Map.of("limit", List.of("0")), null, new byte[0], 400,
        "application/problem+json", "{\"type\":\"about:blank\",\"title\":\"Invalid\",\"status\":400}"
            .getBytes(StandardCharsets.UTF_8));
    assertThat(check.violations(x)).isEmpty();
    assertThat(check.requestViolations(doc.find("GET", "/work/missions").orElseThrow(), x)).isNotEmpty();
  }

  @Test
  void bothFormsOfSubmissionAreDocumented() {
    var op = doc.find("POST", "/work/missions/" + UUID + "/tasks").orElseThrow();
    assertThat(check.requestViolations(op, body(op, "{\"title\":\"one\"}"))).isEmpty();
    assertThat(check.requestViolations(op, body(op, "[{\"title\":\"one\"},{\"title\":\"two\",\"priority\":5}]")))
        .isEmpty();
    assertThat(check.requestViolations(op, body(op, "[]"))).isNotEmpty();
    assertThat(check.requestViolations(op, body(op, "{\"title\":\"one\",\"claimPolicy\":\"broadcast\"}")))
        .isNotEmpty();
  }

  private static final String UUID = "01890a5d-ac96-774b-bcce-b302099a8057";

  private static Exchange body(OpenApiDocument.Operation op, String json) {
    return new Exchange(op.method(), "/work/missions/" + UUID + "/tasks", Map.of(), "application/json",
        json.getBytes(StandardCharsets.UTF_8), 201, "application/json", new byte[0]);
  }

  private static Exchange exchange(String method, String path, int status, String type, String body) {
    return new Exchange(method, path, Map.of(), null, new byte[0], status, type, body.getBytes(StandardCharsets.UTF_8));
  }

  private void collectBroken(JsonNode node, String at, List<String> broken) {
    if (node.isObject()) {
      for (var e : node.properties()) {
        if (e.getKey().equals("$ref")) {
          if (doc.root().at(e.getValue().asString().substring(1)).isMissingNode()) {
            broken.add(at + " -> " + e.getValue().asString());
          }
        } else {
          collectBroken(e.getValue(), at + "/" + e.getKey(), broken);
        }
      }
    } else if (node.isArray()) {
      for (int i = 0; i < node.size(); i++) {
        collectBroken(node.get(i), at + "/" + i, broken);
      }
    }
  }
}
