package dev.workmesh.scheduler.job;

import dev.workmesh.core.DurationText;
import java.math.BigInteger;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collection;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.function.Function;
import org.jspecify.annotations.Nullable;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.node.ObjectNode;

/**
 * Reads typed values out of one TOML table (already parsed to a tree), recording a {@link
 * JobProblem} for each missing or ill-typed value instead of stopping at the first. Every getter
 * returns null when the key is absent or its value is bad; the caller tells whether anything was
 * wrong by the growth of the shared problem list.
 */
final class TableFields {

  private final ObjectNode table;
  private final String file;
  private final @Nullable Integer jobIndex;
  private final @Nullable String jobName;
  private final String prefix;
  private final List<JobProblem> problems;

  TableFields(
      ObjectNode table,
      String file,
      @Nullable Integer jobIndex,
      @Nullable String jobName,
      String prefix,
      List<JobProblem> problems) {
    this.table = table;
    this.file = file;
    this.jobIndex = jobIndex;
    this.jobName = jobName;
    this.prefix = prefix;
    this.problems = problems;
  }

  /** The fields of a sub-table, reporting into the same problem list under {@code prefix.key.}. */
  TableFields nested(ObjectNode subTable, String key) {
    return new TableFields(subTable, file, jobIndex, jobName, prefix + key + ".", problems);
  }

  /** How many problems the shared list holds, for "did reading this add any?" checks. */
  int problemsSoFar() {
    return problems.size();
  }

  /** The value as written, or null when the key is absent. */
  @Nullable JsonNode node(String key) {
    return table.get(key);
  }

  boolean has(String key) {
    return table.has(key);
  }

  void problem(String field, String message) {
    problems.add(new JobProblem(file, null, jobIndex, jobName, prefix + field, message));
  }

  /**
   * Reports every key that is not in {@code known}. {@code elsewhere} maps keys that belong to
   * another table to a hint saying where they go; other keys get the closest known key, if any.
   */
  void rejectUnknownKeys(List<String> known, Map<String, String> elsewhere, String tableName) {
    for (String key : table.propertyNames()) {
      if (known.contains(key)) {
        continue;
      }
      String hint = elsewhere.get(key);
      if (hint != null) {
        problem(key, "unknown key in " + tableName + "; " + hint);
      } else {
        String close = closest(key, known);
        String suggestion = close == null ? "." : "; did you mean \"" + close + "\"?";
        problem(key, "unknown key in " + tableName + suggestion + " Allowed keys: " + String.join(", ", known));
      }
    }
  }

  @Nullable String string(String key, boolean required, String example) {
    JsonNode node = table.get(key);
    if (node == null) {
      if (required) {
        problem(key, "missing; expected a string, e.g. " + key + " = " + example);
      }
      return null;
    }
    if (!node.isString()) {
      problem(key, "expected a string, e.g. " + key + " = " + example + ", got " + describe(node));
      return null;
    }
    return node.stringValue();
  }

  /** A string that must not be empty or only whitespace. */
  @Nullable String nonBlank(String key, boolean required, String example) {
    String value = string(key, required, example);
    if (value != null && value.isBlank()) {
      problem(key, "must not be empty; expected e.g. " + key + " = " + example);
      return null;
    }
    return value;
  }

  @Nullable Boolean bool(String key) {
    JsonNode node = table.get(key);
    if (node == null) {
      return null;
    }
    if (!node.isBoolean()) {
      problem(key, "expected true or false, got " + describe(node));
      return null;
    }
    return node.booleanValue();
  }

  @Nullable Integer integer(String key, int min, int max) {
    JsonNode node = table.get(key);
    if (node == null) {
      return null;
    }
    String range = min + ".." + max;
    if (!node.isIntegralNumber()) {
      problem(key, "expected an integer in " + range + ", got " + describe(node));
      return null;
    }
    BigInteger value = node.bigIntegerValue();
    if (value.compareTo(BigInteger.valueOf(min)) < 0 || value.compareTo(BigInteger.valueOf(max)) > 0) {
      problem(key, "expected an integer in " + range + ", got " + value);
      return null;
    }
    return value.intValue();
  }

  @Nullable ObjectNode table(String key, boolean required, String example) {
    JsonNode node = table.get(key);
    if (node == null) {
      if (required) {
        problem(key, "missing; expected a table, e.g. " + example);
      }
      return null;
    }
    if (!node.isObject()) {
      problem(key, "expected a table, e.g. " + example + ", got " + describe(node));
      return null;
    }
    return (ObjectNode) node;
  }

  /** An array of non-empty strings. */
  @Nullable List<String> strings(String key, String example) {
    JsonNode node = table.get(key);
    if (node == null) {
      return null;
    }
    String expected = "expected an array of strings, e.g. " + key + " = " + example;
    if (!node.isArray()) {
      problem(key, expected + ", got " + describe(node));
      return null;
    }
    List<String> values = new ArrayList<>();
    for (JsonNode element : node.values()) {
      if (!element.isString() || element.stringValue().isBlank()) {
        problem(key, expected + ", got an element " + describe(element));
        return null;
      }
      values.add(element.stringValue());
    }
    return values;
  }

  /** A duration string (see {@link DurationText}) in {@code [minimum, maximum]}. */
  @Nullable Duration duration(String key, boolean required, Duration minimum, Duration maximum) {
    String text = string(key, required, "\"30m\"");
    if (text == null) {
      return null;
    }
    try {
      Duration value = DurationText.parse(text);
      if (value.compareTo(minimum) < 0 || value.compareTo(maximum) > 0) {
        problem(
            key,
            "expected a duration from " + DurationText.format(minimum) + " to " + DurationText.format(maximum)
                + ", got \"" + text + "\"");
        return null;
      }
      return value;
    } catch (IllegalArgumentException e) {
      problem(key, e.getMessage());
      return null;
    }
  }

  /** A string turned into a value by {@code parser}, whose exception message becomes the problem. */
  <T> @Nullable T parsed(String key, boolean required, String example, Function<String, T> parser) {
    String text = string(key, required, example);
    if (text == null) {
      return null;
    }
    try {
      return parser.apply(text);
    } catch (IllegalArgumentException e) {
      problem(key, e.getMessage());
      return null;
    }
  }

  /** A short description of a value for "got ..." messages. */
  static String describe(JsonNode node) {
    if (node.isString()) {
      return "the string \"" + node.stringValue() + "\"";
    }
    if (node.isIntegralNumber()) {
      return "the integer " + node.bigIntegerValue();
    }
    if (node.isNumber()) {
      return "the number " + node;
    }
    if (node.isBoolean()) {
      return node.booleanValue() ? "true" : "false";
    }
    if (node.isArray()) {
      return "an array";
    }
    if (node.isObject()) {
      return "a table";
    }
    return node.getNodeType().toString().toLowerCase(Locale.ROOT);
  }

  /**
   * The known key closest to a mistyped one, if it is within two edits. Hand-written: a dozen lines
   * of Levenshtein do not justify a new dependency (commons-text is not on the classpath).
   */
  static @Nullable String closest(String key, Collection<String> known) {
    String best = null;
    int bestDistance = 3;
    for (String candidate : known) {
      int distance = editDistance(key, candidate);
      if (distance < bestDistance) {
        best = candidate;
        bestDistance = distance;
      }
    }
    return best;
  }

  private static int editDistance(String a, String b) {
    int[] previous = new int[b.length() + 1];
    int[] current = new int[b.length() + 1];
    for (int j = 0; j <= b.length(); j++) {
      previous[j] = j;
    }
    for (int i = 1; i <= a.length(); i++) {
      current[0] = i;
      for (int j = 1; j <= b.length(); j++) {
        int substitution = previous[j - 1] + (a.charAt(i - 1) == b.charAt(j - 1) ? 0 : 1);
        current[j] = Math.min(substitution, Math.min(previous[j], current[j - 1]) + 1);
      }
      int[] swap = previous;
      previous = current;
      current = swap;
    }
    return previous[b.length()];
  }
}
