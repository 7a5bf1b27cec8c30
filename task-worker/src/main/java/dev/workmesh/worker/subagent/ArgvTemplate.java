package dev.workmesh.worker.subagent;

import dev.workmesh.core.task.RuntimeInput;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;

/**
 * Turns a runtime's argument template and an attempt into an argv. An element that is a known
 * placeholder, alone or after a literal prefix ({@code --prompt={prompt}}), becomes one element: the
 * prefix followed by the value. {@code {argv}} stands alone and is replaced by the task's list. Every
 * other element is passed as written. A value is never searched for placeholders, so a task field
 * cannot add or split arguments.
 *
 * <ul>
 *   <li>{@code {prompt}}: the description, or the title when the description is blank
 *   <li>{@code {title}}, {@code {description}}, {@code {task_id}}, {@code {mission_id}}, {@code {attempt_id}}
 *   <li>{@code {input}}: the task's input as JSON text
 *   <li>{@code {command}}: {@code input.command}, a string (for {@code bash -c})
 *   <li>{@code {argv}}: {@code input.argv}, a non-empty array of strings, spliced in
 * </ul>
 *
 * <p>The prefixed form keeps a value that starts with {@code -} out of an option parser's reach where
 * the CLI does not honour {@code --}: {@code --prompt=--yolo} is a prompt, {@code -p --yolo} an option.
 */
final class ArgvTemplate {

  static final Set<String> PLACEHOLDERS =
      Set.of("{prompt}", "{title}", "{description}", "{task_id}", "{mission_id}", "{attempt_id}", "{input}", "{command}", "{argv}");
  private static final String SPLICED = "{argv}";
  /** A literal prefix without braces, then one placeholder ending the element. */
  private static final Pattern PLACEHOLDER_SHAPE = Pattern.compile("(?<prefix>[^{}]*)(?<placeholder>\\{[a-z_]+\\})");

  private ArgvTemplate() {}

  static void validate(String runtime, String binary, List<String> args) {
    for (String arg : args) {
      if (arg == null) {
        throw new IllegalArgumentException("runtime '" + runtime + "' has a null argument; remove it or give it a value");
      }
      Matcher shape = PLACEHOLDER_SHAPE.matcher(arg);
      if (!shape.matches()) {
        continue;
      }
      String placeholder = shape.group("placeholder");
      if (!PLACEHOLDERS.contains(placeholder)) {
        throw new IllegalArgumentException(
            "runtime '%s' uses unknown placeholder %s; known placeholders: %s".formatted(runtime, placeholder, PLACEHOLDERS));
      }
      if (placeholder.equals(SPLICED) && !shape.group("prefix").isEmpty()) {
        throw new IllegalArgumentException(
            "runtime '%s' has '%s': %s stands alone as an argument, since it becomes the task's whole argument list"
                .formatted(runtime, arg, SPLICED));
      }
    }
    if (binary == null && (args.isEmpty() || !args.getFirst().equals(SPLICED))) {
      throw new IllegalArgumentException(
          "runtime '" + runtime + "' has no binary: give it one, or start its arguments with {argv} to run the task's input.argv");
    }
  }

  /**
   * The kernel's limit on one argument (MAX_ARG_STRLEN, 32 pages), terminating NUL included; a longer
   * one fails the exec with E2BIG.
   */
  static final int MAX_ARGUMENT_BYTES = 128 * 1024 - 1;

  /** What the runtime's {@code stdin} placeholder stands for, as UTF-8; null when it has none. */
  static byte[] stdin(RuntimeDefinition definition, AttemptSpec spec) {
    return definition.stdin() == null
        ? null
        : value(definition.stdin(), definition.name(), spec).getBytes(java.nio.charset.StandardCharsets.UTF_8);
  }

  /** The full argv: {@code binary} (when not null) followed by the rendered arguments. */
  static List<String> render(String binary, List<String> args, String runtime, AttemptSpec spec) {
    List<String> argv = new ArrayList<>();
    if (binary != null) {
      argv.add(binary);
    }
    for (String arg : args) {
      Matcher shape = PLACEHOLDER_SHAPE.matcher(arg);
      if (!shape.matches() || !PLACEHOLDERS.contains(shape.group("placeholder"))) {
        argv.add(arg);
      } else if (arg.equals(SPLICED)) {
        argv.addAll(inputArgv(runtime, spec));
      } else {
        argv.add(withinArgumentLimit(shape.group("prefix") + value(shape.group("placeholder"), runtime, spec), runtime, spec));
      }
    }
    return argv;
  }

  private static String withinArgumentLimit(String argument, String runtime, AttemptSpec spec) {
    int bytes = argument.getBytes(java.nio.charset.StandardCharsets.UTF_8).length;
    if (bytes > MAX_ARGUMENT_BYTES) {
      throw new SubagentLaunchException(
          spec.attemptId(),
          ("runtime '%s' takes this task field as one command-line argument, which the kernel limits to %d bytes;"
              + " it has %d bytes of UTF-8: shorten it, or use a runtime that reads its prompt from stdin"
              + " (claude_code, codex, gemini)").formatted(runtime, MAX_ARGUMENT_BYTES, bytes));
    }
    return argument;
  }

  private static String value(String placeholder, String runtime, AttemptSpec spec) {
    return switch (placeholder) {
      case "{prompt}" -> prompt(runtime, spec);
      case "{title}" -> spec.title();
      case "{description}" -> spec.description();
      case "{task_id}" -> spec.taskId().toString();
      case "{mission_id}" -> spec.missionId().toString();
      case "{attempt_id}" -> spec.attemptId().toString();
      case "{input}" -> JsonMapper.shared().writeValueAsString(spec.input());
      case "{command}" -> command(runtime, spec);
      default -> throw new IllegalArgumentException("runtime '" + runtime + "': " + placeholder + " has no single value");
    };
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
    if (!RuntimeInput.hasCommand(spec.input())) {
      throw new SubagentLaunchException(
          spec.attemptId(),
          "runtime '%s' needs input.command, %s; the task's input has %s"
              .formatted(runtime, RuntimeInput.COMMAND_EXPECTED, describe(spec.input().path("command"))));
    }
    return spec.input().path("command").stringValue();
  }

  private static List<String> inputArgv(String runtime, AttemptSpec spec) {
    JsonNode argv = spec.input().path("argv");
    if (!RuntimeInput.hasArgv(spec.input())) {
      throw new SubagentLaunchException(
          spec.attemptId(),
          "runtime '%s' needs input.argv, %s; the task's input has %s"
              .formatted(runtime, RuntimeInput.ARGV_EXPECTED, describe(argv)));
    }
    List<String> values = new ArrayList<>();
    for (JsonNode element : argv) {
      values.add(element.stringValue());
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
