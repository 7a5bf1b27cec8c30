package dev.workmesh.scheduler.web;

import static org.assertj.core.api.Assertions.assertThat;

import dev.workmesh.testsupport.contract.ContractCheck;
import dev.workmesh.testsupport.contract.Exchange;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** The check that holds the API tests to the schedules document catches each kind of drift. */
class ScheduleApiDriftTest {

  private static final String GC = "{\"deleted\":1,\"retention\":\"30d\",\"cutoff\":\"2030-01-01T00:00:00Z\"}";

  private final ContractCheck check = new ContractCheck(SchedulerApiContract.document());

  @Test
  void aDocumentedAnswerKeepsToTheDocument() {
    assertThat(check.violations(gc(200, "application/json", GC))).isEmpty();
  }

  @Test
  void anUndocumentedStatusIsDrift() {
    assertThat(check.violations(gc(409, "application/problem+json", "{\"title\":\"Conflict\",\"status\":409}")))
        .singleElement().asString().contains("status 409 is not documented");
  }

  @Test
  void anUndocumentedFieldIsDrift() {
    String withExtra = GC.replace("}", ",\"deletedCount\":1}");
    assertThat(check.violations(gc(200, "application/json", withExtra)))
        .singleElement().asString().contains("deletedCount");
  }

  @Test
  void aMissingFieldIsDrift() {
    assertThat(check.violations(gc(200, "application/json", "{\"deleted\":1,\"retention\":\"30d\"}")))
        .singleElement().asString().contains("cutoff");
  }

  @Test
  void anErrorThatIsNotProblemJsonIsDrift() {
    assertThat(check.violations(new Exchange("GET", "/schedules/nope", Map.of(), null, new byte[0], 404,
        "text/html", "<html/>".getBytes(StandardCharsets.UTF_8))))
        .singleElement().asString().contains("text/html is not documented");
  }

  @Test
  void aParameterOutOfItsRangeThatIsAcceptedIsDrift() {
    Exchange x = new Exchange("GET", "/schedules/daily/history", Map.of("limit", List.of("501")), null, new byte[0],
        200, "application/json", "{\"job\":\"daily\",\"fires\":[]}".getBytes(StandardCharsets.UTF_8));
    assertThat(check.violations(x)).singleElement().asString().contains("accepted a request the document refuses");
  }

  private static Exchange gc(int status, String contentType, String body) {
    return new Exchange("POST", "/schedules/gc", Map.of(), null, new byte[0], status, contentType,
        body.getBytes(StandardCharsets.UTF_8));
  }
}
