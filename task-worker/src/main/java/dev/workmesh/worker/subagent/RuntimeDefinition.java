package dev.workmesh.worker.subagent;

import java.util.List;
import java.util.Objects;
import org.springframework.boot.context.properties.bind.ConstructorBinding;

/**
 * A way to run a task: a binary and the arguments after it. Each argument is literal, or a
 * placeholder ({@code {prompt}}, {@code {title}}, {@code {task_id}}, … see {@link ArgvTemplate}),
 * alone or after a literal prefix such as {@code --prompt=}, that becomes exactly one argument, or
 * {@code {argv}} alone, the task's own argument list. A value is never searched for placeholders and
 * no shell is involved, so a task field cannot change the shape of the command line.
 *
 * @param name the runtime name a task asks for, e.g. {@code claude_code}
 * @param binary a command name looked up on PATH, or a path; null only when the arguments start
 *     with {@code {argv}}, whose first element is then the program
 * @param args the arguments after the binary
 * @param stdin a placeholder such as {@code {prompt}} whose value is written to the process's stdin,
 *     which is then closed; null for an empty stdin ({@code /dev/null}). The way to hand over a prompt
 *     of any size: the kernel refuses a single argument over 128 KiB.
 * @param output what the runtime prints on stdout; {@link OutputFormat#TEXT} when null
 */
public record RuntimeDefinition(String name, String binary, List<String> args, String stdin, OutputFormat output) {

  /** A runtime with an empty stdin that prints plain text. */
  public RuntimeDefinition(String name, String binary, List<String> args) {
    this(name, binary, args, null, null);
  }

  @ConstructorBinding
  public RuntimeDefinition {
    Objects.requireNonNull(name, "a runtime needs a name");
    if (!name.matches("[a-z][a-z0-9_-]*")) {
      throw new IllegalArgumentException(
          "runtime name '" + name + "' must be lower case letters, digits, '_' or '-', starting with a letter");
    }
    args = args == null ? List.of() : List.copyOf(args);
    if (binary != null && binary.isBlank()) {
      binary = null;
    }
    ArgvTemplate.validate(name, binary, args);
    stdin = stdin == null || stdin.isBlank() ? null : stdin.strip();
    if (stdin != null && (!ArgvTemplate.PLACEHOLDERS.contains(stdin) || stdin.equals("{argv}"))) {
      throw new IllegalArgumentException(
          "runtime '%s' has stdin '%s'; it takes one placeholder such as {prompt} or {input}".formatted(name, stdin));
    }
    output = output == null ? OutputFormat.TEXT : output;
  }

  /** The same runtime run by another binary (a configured override). */
  public RuntimeDefinition withBinary(String overridingBinary) {
    if (binary == null) {
      throw new IllegalArgumentException(
          "runtime '" + name + "' takes its program from the task's input.argv and has no binary to override");
    }
    return new RuntimeDefinition(name, overridingBinary, args, stdin, output);
  }
}
