package dev.workmesh.mcp.tools;

import static dev.workmesh.mcp.tools.Schemas.quote;
import static dev.workmesh.mcp.tools.Schemas.uuid;

import java.util.Arrays;
import java.util.List;
import java.util.stream.Collectors;
import java.util.stream.Stream;

/**
 * The input schema of a tool that reports on a claim (heartbeat, complete, fail, release): {@code task_id}
 * and {@code claim_token}, both required, then the tool's own arguments.
 */
final class ClaimedTaskInput {

  /** {@code exit_code}, as complete and fail take it. */
  static final String EXIT_CODE = """
      "exit_code": {"type": "integer", "description": "The exit code of the work, if it ran a process."}""";

  private ClaimedTaskInput() {}

  /** {@code log_tail}: the end of the work's output, kept with the attempt. */
  static String logTail(String description) {
    return """
        "log_tail": {"type": "string", "maxLength": 65536, "description": %s}""".formatted(quote(description));
  }

  /**
   * @param ownProperties the tool's own properties, each {@code "name": {schema}}
   * @param ownRequired which of them are required
   */
  static String schema(List<String> ownProperties, String... ownRequired) {
    String properties = Stream.concat(
            Stream.of("\"task_id\": " + uuid("The task you claimed."), "\"claim_token\": " + Schemas.CLAIM_TOKEN),
            ownProperties.stream())
        .collect(Collectors.joining(",\n   "));
    String required = Stream.concat(Stream.of("task_id", "claim_token"), Arrays.stream(ownRequired))
        .map(name -> "\"" + name + "\"").collect(Collectors.joining(", "));
    return """
        {"type": "object",
         "properties": {
           %s
         },
         "required": [%s],
         "additionalProperties": false}""".formatted(properties, required);
  }
}
