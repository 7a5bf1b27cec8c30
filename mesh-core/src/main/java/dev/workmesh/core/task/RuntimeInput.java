package dev.workmesh.core.task;

import dev.workmesh.core.ValidationException.Violation;
import java.util.List;
import tools.jackson.databind.JsonNode;

/**
 * What a runtime reads from a task's input, in one place for REST, MCP, the scheduler and the worker:
 * {@code bash} runs {@code input.command} with {@code bash -c}, {@code exec} runs {@code input.argv}
 * directly. Other runtimes take the prompt and accept any input object.
 */
public final class RuntimeInput {

  public static final String BASH = "bash";
  public static final String EXEC = "exec";
  public static final String COMMAND_EXPECTED = "a non-empty string such as {\"command\": \"make test\"}";
  public static final String ARGV_EXPECTED =
      "a non-empty array of strings whose first element is the program, such as {\"argv\": [\"make\", \"test\"]}";

  private RuntimeInput() {}

  /** Whether {@code input.command} is a non-empty string. */
  public static boolean hasCommand(JsonNode input) {
    JsonNode command = input == null ? null : input.get("command");
    return command != null && command.isString() && !command.stringValue().isBlank();
  }

  /** Whether {@code input.argv} is a non-empty array of strings whose first element is not empty. */
  public static boolean hasArgv(JsonNode input) {
    JsonNode argv = input == null ? null : input.get("argv");
    if (argv == null || !argv.isArray() || argv.isEmpty() || argv.get(0).asString("").isEmpty()) {
      return false;
    }
    for (JsonNode element : argv) {
      if (!element.isString()) {
        return false;
      }
    }
    return true;
  }

  /** Adds a violation when the input lacks what {@code runtime} runs; {@code path} is e.g. "" or "[3].". */
  public static void check(String runtime, JsonNode input, String path, List<Violation> out) {
    if (BASH.equals(runtime) && !hasCommand(input)) {
      out.add(new Violation(path + "input.command",
          "is required with runtime bash, which runs it with bash -c: " + COMMAND_EXPECTED));
    } else if (EXEC.equals(runtime) && !hasArgv(input)) {
      out.add(new Violation(path + "input.argv", "is required with runtime exec, which runs it directly: "
          + ARGV_EXPECTED));
    }
  }
}
