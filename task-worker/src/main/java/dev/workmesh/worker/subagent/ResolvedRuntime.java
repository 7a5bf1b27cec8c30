package dev.workmesh.worker.subagent;

import java.nio.file.Path;
import java.util.List;

/** A runtime whose binary has been found, ready to render an attempt's argv. */
record ResolvedRuntime(RuntimeDefinition definition, Path executable) {

  List<String> argvFor(AttemptSpec spec) {
    String binary = executable == null ? null : executable.toString();
    return ArgvTemplate.render(binary, definition.args(), definition.name(), spec);
  }

  /** The bytes to write to the process's stdin; null for an empty stdin. */
  byte[] stdinFor(AttemptSpec spec) {
    return ArgvTemplate.stdin(definition, spec);
  }
}
