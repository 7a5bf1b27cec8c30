package dev.workmesh.core.task;

import dev.workmesh.core.ValidationException.Violation;
import java.util.List;
import java.util.Map;
import tools.jackson.databind.JsonNode;

/**
 * What a free-form JSON value (a task's {@code input}, an attempt's {@code result}) must be before it
 * is stored: PostgreSQL's jsonb refuses NUL, and a number beyond the range of a double ({@code 1e400})
 * would otherwise be read as infinity and kept as the string "Infinity", which no client can use.
 */
public final class StorableJson {

  private StorableJson() {}

  /** Adds one violation, naming the first offending value's path under {@code field}, if there is one. */
  public static void check(JsonNode value, String field, List<Violation> out) {
    if (value == null) {
      return;
    }
    if (value.toString().contains("\\u0000")) {
      out.add(new Violation(field, "must not contain the NUL character (\\u0000) in any key or value"));
      return;
    }
    String outOfRange = firstOutOfRange(value, field);
    if (outOfRange != null) {
      out.add(new Violation(outOfRange,
          "must be a finite number between -1.7976931348623157e308 and 1.7976931348623157e308"));
    }
  }

  private static String firstOutOfRange(JsonNode node, String path) {
    if (node.isNumber()) {
      return Double.isFinite(node.numberValue().doubleValue()) ? null : path;
    }
    if (node.isArray()) {
      for (int i = 0; i < node.size(); i++) {
        String found = firstOutOfRange(node.get(i), path + "[" + i + "]");
        if (found != null) {
          return found;
        }
      }
    } else if (node.isObject()) {
      for (Map.Entry<String, JsonNode> e : node.properties()) {
        String found = firstOutOfRange(e.getValue(), path + "." + e.getKey());
        if (found != null) {
          return found;
        }
      }
    }
    return null;
  }
}
