package dev.workmesh.core.task;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.workmesh.core.ValidationException;
import dev.workmesh.core.ValidationException.Violation;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;

/** The task rules every edge (REST, MCP, scheduler, worker) takes from mesh-core. */
class TaskRulesTest {

  private static final JsonMapper JSON = JsonMapper.shared();

  private static JsonNode json(String text) {
    return JSON.readTree(text);
  }

  @Test
  void bashWithoutInputCommandIsRefusedNamingTheField() {
    assertThatThrownBy(() -> TaskValidator.validate(NewTask.builder("t").runtime("bash").build()))
        .isInstanceOf(ValidationException.class)
        .satisfies(e -> assertThat(((ValidationException) e).violations())
            .extracting(Violation::field).containsExactly("input.command"))
        .hasMessageContaining("bash -c");
    assertThatThrownBy(() -> TaskValidator.validate(
        NewTask.builder("t").runtime("bash").input(json("{\"command\": \"  \"}")).build()))
        .hasMessageContaining("input.command");
  }

  @Test
  void execNeedsANonEmptyArgvOfStrings() {
    for (String input : List.of("{}", "{\"argv\": []}", "{\"argv\": \"make\"}", "{\"argv\": [\"make\", 1]}",
        "{\"argv\": [\"\"]}")) {
      List<Violation> out = new ArrayList<>();
      TaskValidator.validate(NewTask.builder("t").runtime("exec").input(json(input)).build(), "[2].", out);
      assertThat(out).as(input).extracting(Violation::field).containsExactly("[2].input.argv");
    }
    TaskValidator.validate(NewTask.builder("t").runtime("exec").input(json("{\"argv\": [\"make\", \"test\"]}")).build());
    TaskValidator.validate(NewTask.builder("t").runtime("bash").input(json("{\"command\": \"make\"}")).build());
    TaskValidator.validate(NewTask.builder("t").runtime("claude_code").build());
  }

  @Test
  void aNumberBeyondADoubleInInputIsRefusedNamingItsPath() {
    List<Violation> out = new ArrayList<>();
    StorableJson.check(json("{\"a\": [1, {\"b\": 1e400}]}"), "input", out);
    assertThat(out).extracting(Violation::field).containsExactly("input.a[1].b");
    assertThat(out.getFirst().message()).contains("finite number");

    List<Violation> big = new ArrayList<>();
    StorableJson.check(json("{\"n\": 1" + "0".repeat(400) + "}"), "result", big);
    assertThat(big).extracting(Violation::field).containsExactly("result.n");

    List<Violation> fine = new ArrayList<>();
    StorableJson.check(json("{\"n\": 1.7976931348623157e308, \"m\": -12, \"s\": \"1e400\"}"), "input", fine);
    assertThat(fine).isEmpty();
  }

  @Test
  void nulInAnyKeyOrValueIsStillRefused() {
    List<Violation> out = new ArrayList<>();
    StorableJson.check(json("{\"k\\u0000\": 1}"), "input", out);
    assertThat(out).extracting(Violation::message).first().asString().contains("NUL");
  }
}
