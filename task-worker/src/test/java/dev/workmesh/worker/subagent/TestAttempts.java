package dev.workmesh.worker.subagent;

import java.time.Duration;
import java.util.UUID;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;

/** Attempts for tests: fresh ids, a given runtime and input. */
final class TestAttempts {

  private TestAttempts() {}

  static AttemptSpec attempt(String runtime, String inputJson) {
    return attempt(runtime, inputJson, null);
  }

  static AttemptSpec attempt(String runtime, String inputJson, Duration timeout) {
    return new AttemptSpec(
        UUID.randomUUID(), UUID.randomUUID(), UUID.randomUUID(), "claim-token-" + UUID.randomUUID(),
        "a test task", "", runtime, json(inputJson), timeout, "http://127.0.0.1:1");
  }

  static AttemptSpec prompted(String runtime, String prompt) {
    return new AttemptSpec(
        UUID.randomUUID(), UUID.randomUUID(), UUID.randomUUID(), "claim-token", "title", prompt, runtime, null, null, null);
  }

  static JsonNode json(String text) {
    return text == null ? null : JsonMapper.shared().readTree(text);
  }

  /** Quotes a Java string as a JSON string literal. */
  static String quote(String text) {
    return JsonMapper.shared().writeValueAsString(text);
  }
}
