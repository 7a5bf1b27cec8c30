package dev.workmesh.api;

import static org.assertj.core.api.Assertions.assertThat;

import dev.workmesh.api.contract.MeshApiContract;
import java.net.http.HttpResponse;
import java.util.Locale;
import java.util.Set;
import java.util.TreeSet;
import org.junit.jupiter.api.Test;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.beans.factory.annotation.Qualifier;
import org.springframework.web.servlet.mvc.method.annotation.RequestMappingHandlerMapping;
import tools.jackson.databind.json.JsonMapper;

/** The document is served as it is written, without a token, and names exactly the operations the server has. */
class OpenApiServedTest extends ApiTestBase {

  @Autowired
  @Qualifier("requestMappingHandlerMapping")
  RequestMappingHandlerMapping mappings;

  @Test
  void theDocumentIsServedWithoutATokenAsJsonAndYaml() throws Exception {
    HttpResponse<String> json = raw("GET", "/v3/api-docs", null, null);
    assertThat(json.statusCode()).isEqualTo(200);
    assertThat(JsonMapper.shared().readTree(json.body())).isEqualTo(MeshApiContract.document().root());
    HttpResponse<String> yaml = raw("GET", "/v3/api-docs.yaml", null, null);
    assertThat(yaml.statusCode()).isEqualTo(200);
    assertThat(yaml.body()).startsWith("openapi: 3.1.0");
  }

  @Test
  void theDocumentNamesEveryOperationTheServerHasAndNoOther() {
    Set<String> documented = new TreeSet<>();
    MeshApiContract.document().operations().forEach(op -> documented.add(op.method() + " " + op.template()));
    Set<String> served = new TreeSet<>();
    mappings.getHandlerMethods().keySet().forEach(info -> info.getPatternValues().stream()
        .filter(p -> p.startsWith("/work"))
        .forEach(p -> info.getMethodsCondition().getMethods().forEach(
            m -> served.add(m.name().toUpperCase(Locale.ROOT) + " " + p.replaceAll("\\{[^}]+}", "{id}")))));
    assertThat(documented).isEqualTo(served);
  }

  @Test
  void everyExchangeOfTheApiTestsIsChecked() throws Exception {
    long before = contract.checked();
    raw("GET", "/work/missions?limit=1", OPERATOR_TOKEN, null);
    assertThat(contract.takeViolations()).isEmpty();
    assertThat(contract.checked()).isGreaterThan(before);
  }
}
