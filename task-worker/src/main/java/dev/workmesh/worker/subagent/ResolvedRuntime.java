package dev.workmesh.worker.subagent;

import java.nio.file.Path;
import java.util.List;

/** A runtime whose binary has been found, ready to render an attempt's argv. */
record ResolvedRuntime(RuntimeDefinition definition, Path executable) {

  List<String> argvFor(AttemptSpec spec) {
    String binary = executable == null ? null : executable.toString();
    return ArgvTemplate.render(binary, definition.args(), definition.name(), spec);
  }
}
