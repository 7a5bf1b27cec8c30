package dev.workmesh.scheduler.web;

import dev.workmesh.web.OpenApiDocumentController;
import static org.assertj.core.api.Assertions.assertThat;

import java.lang.reflect.Method;
import java.util.Locale;
import java.util.Set;
import java.util.TreeSet;
import org.junit.jupiter.api.Test;
import org.springframework.core.annotation.AnnotatedElementUtils;
import org.springframework.web.bind.annotation.RequestMapping;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;
import tools.jackson.dataformat.yaml.YAMLMapper;

/** The schedules API's OpenAPI document is served as written and names exactly the controller's operations. */
class ScheduleApiDocumentTest {

  private final OpenApiDocumentController docs = new OpenApiDocumentController("/openapi/scheduler-service.yaml");

  @Test
  void theJsonServedIsTheYamlWritten() {
    JsonNode served = JsonMapper.shared().readTree(docs.json());
    assertThat(served).isEqualTo(new YAMLMapper().readTree(docs.yaml()));
    assertThat(served.path("openapi").asString()).isEqualTo("3.1.0");
    assertThat(served.path("security").get(0).has("bearer")).isTrue();
  }

  @Test
  void theDocumentNamesEveryOperationOfTheControllerAndNoOther() {
    JsonNode doc = JsonMapper.shared().readTree(docs.json());
    Set<String> documented = new TreeSet<>();
    doc.path("paths").properties().forEach(p -> p.getValue().propertyNames().stream()
        .filter(m -> !m.equals("parameters"))
        .forEach(m -> documented.add(m.toUpperCase(Locale.ROOT) + " " + p.getKey())));
    String base = ScheduleController.class.getAnnotation(RequestMapping.class).value()[0];
    Set<String> served = new TreeSet<>();
    for (Method m : ScheduleController.class.getDeclaredMethods()) {
      RequestMapping mapping = AnnotatedElementUtils.findMergedAnnotation(m, RequestMapping.class);
      if (mapping != null) {
        String path = base + (mapping.value().length == 0 ? "" : mapping.value()[0]);
        for (var method : mapping.method()) {
          served.add(method.name() + " " + path);
        }
      }
    }
    assertThat(served).hasSize(8);
    assertThat(documented).isEqualTo(served);
  }
}
