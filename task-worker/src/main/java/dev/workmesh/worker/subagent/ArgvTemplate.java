package dev.workmesh.worker.subagent;

import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.regex.Pattern;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;

/**
 * Turns a runtime's argument template and an attempt into an argv. An element that is exactly a
 * known placeholder is replaced by one element (or, for {@code {argv}}, by the task's list);
 * everything else is passed as written.
 *
 * <ul>
 *   <li>{@code {prompt}}: the description, or the title when the description is blank
 *   <li>{@code {title}}, {@code {description}}, {@code {task_id}}, {@code {mission_id}}, {@code {attempt_id}}
 *   <li>{@code {input}}: the task's input as JSON text
 *   <li>{@code {command}}: {@code input.command}, a string (for {@code bash -c})
 *   <li>{@code {argv}}: {@code input.argv}, a non-empty array of strings, spliced in
 * </ul>
 */
final class ArgvTemplate {

  static final Set<String> PLACEHOLDERS =
      Set.of("{prompt}", "{title}", "{description}", "{task_id}", "{mission_id}", "{attempt_id}", "{input}", "{command}", "{argv}");
  private static final Pattern PLACEHOLDER_SHAPE = Pattern.compile("\\{[a-z_]+\\}");

  private ArgvTemplate() {}

  static void validate(String runtime, String binary, List<String> args) {
    for (String arg : args) {
      if (arg == null) {
        throw new IllegalArgumentException("runtime '" + runtime + "' has a null argument; remove it or give it a value");
      }
      if (PLACEHOLDER_SHAPE.matcher(arg).matches() && !PLACEHOLDERS.contains(arg)) {
        throw new IllegalArgumentException(
            "runtime '%s' uses unknown placeholder %s; known placeholders: %s".formatted(runtime, arg, PLACEHOLDERS));
      }
    }
    if (binary == null && (args.isEmpty() || !args.getFirst().equals("{argv}"))) {
      throw new IllegalArgumentException(
          "runtime '" + runtime + "' has no binary: give it one, or start its arguments with {argv} to run the task's input.argv");
    }
  }

  /** The full argv: {@code binary} (when not null) followed by the rendered arguments. */
  static List<String> render(String binary, List<String> args, String runtime, AttemptSpec spec) {
    List<String> argv = new ArrayList<>();
    if (binary != null) {
      argv.add(binary);
    }
    for (String arg : args) {
      switch (arg) {
        case "{prompt}" -> argv.add(prompt(runtime, spec));
        case "{title}" -> argv.add(spec.title());
        case "{description}" -> argv.add(spec.description());
        case "{task_id}" -> argv.add(spec.taskId().toString());
        case "{mission_id}" -> argv.add(spec.missionId().toString());
        case "{attempt_id}" -> argv.add(spec.attemptId().toString());
        case "{input}" -> argv.add(JsonMapper.shared().writeValueAsString(spec.input()));
        case "{command}" -> argv.add(command(runtime, spec));
        case "{argv}" -> argv.addAll(inputArgv(runtime, spec));
        default -> argv.add(arg);
      }
    }
    return argv;
  }

  private static String prompt(String runtime, AttemptSpec spec) {
    String prompt = spec.prompt();
    if (prompt.isBlank()) {
      throw new SubagentLaunchException(
          spec.attemptId(), "runtime '" + runtime + "' needs a prompt, but the task has neither a description nor a title");
    }
    return prompt;
  }

  private static String command(String runtime, AttemptSpec spec) {
    JsonNode command = spec.input().path("command");
    if (!command.isString() || command.stringValue().isBlank()) {
      throw new SubagentLaunchException(
          spec.attemptId(),
          "runtime '%s' needs input.command, a non-empty string such as {\"command\": \"make test\"}; the task's input has %s"
              .formatted(runtime, describe(command)));
    }
    return command.stringValue();
  }

  private static List<String> inputArgv(String runtime, AttemptSpec spec) {
    JsonNode argv = spec.input().path("argv");
    boolean valid = argv.isArray() && !argv.isEmpty() && !argv.get(0).asString("").isEmpty();
    List<String> values = new ArrayList<>();
    for (JsonNode element : argv) {
      valid &= element.isString();
      values.add(element.asString(""));
    }
    if (!valid) {
      throw new SubagentLaunchException(
          spec.attemptId(),
          "runtime '%s' needs input.argv, a non-empty array of strings whose first element is the program, such as {\"argv\": [\"make\", \"test\"]}; the task's input has %s"
              .formatted(runtime, describe(argv)));
    }
    return values;
  }

  private static String describe(JsonNode node) {
    return node.isMissingNode() ? "none" : node.getNodeType().name().toLowerCase() + " " + abbreviate(node.toString());
  }

  private static String abbreviate(String text) {
    return text.length() <= 80 ? text : text.substring(0, 77) + "...";
  }
}
