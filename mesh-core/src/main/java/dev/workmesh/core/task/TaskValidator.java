package dev.workmesh.core.task;

import dev.workmesh.client.model.TaskRequest;
import dev.workmesh.core.DurationText;
import dev.workmesh.core.ValidationException;
import dev.workmesh.core.ValidationException.Violation;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.regex.Pattern;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.node.JsonNodeFactory;

/**
 * Field-level validation of submissions, before anything reaches the database. Every message says what
 * is expected, so that a person or a model can correct the request.
 */
public final class TaskValidator {

  public static final int MAX_TITLE = 500;
  public static final int MAX_DESCRIPTION = 100_000;
  public static final int MAX_INPUT_BYTES = 1_000_000;
  public static final int MAX_CAPABILITIES = 64;
  public static final int MAX_DEPENDENCIES = 100;
  public static final int MAX_ATTEMPTS = 100;
  public static final int MAX_IDEMPOTENCY_KEY = 200;
  public static final int MAX_PRIORITY = 1_000_000;
  public static final Duration MAX_TIMEOUT = Duration.ofDays(7);
  public static final String DEFAULT_POOL = "default";
  public static final int DEFAULT_MAX_ATTEMPTS = 3;
  static final java.time.Instant EARLIEST = java.time.Instant.parse("0001-01-01T00:00:00Z");
  static final java.time.Instant LATEST = java.time.Instant.parse("9999-12-31T23:59:59Z");

  /** Pools, capabilities and runtimes: short names, no spaces or punctuation beyond {@code . _ - :}. */
  public static final Pattern NAME = Pattern.compile("[A-Za-z0-9][A-Za-z0-9._:-]{0,63}");

  /** A submission with defaults applied, wire forms normalized and every field checked. */
  public record Valid(TaskRequest request) implements TaskFields {}

  private TaskValidator() {}

  /**
   * Validates one submission.
   *
   * @param path the JSON path prefix for messages, e.g. "" or "[3]."
   */
  public static Valid validate(TaskRequest t, String path, List<Violation> out) {
    String title = t.title() == null ? null : t.title().strip();
    if (title == null || title.isEmpty()) {
      out.add(new Violation(path + "title", "is required: a short name of the work"));
    } else if (title.length() > MAX_TITLE) {
      out.add(new Violation(path + "title", "must be at most " + MAX_TITLE + " characters"));
    }
    checkText(path + "title", title, out);
    String description = t.description() == null ? "" : t.description();
    if (description.length() > MAX_DESCRIPTION) {
      out.add(new Violation(path + "description", "must be at most " + MAX_DESCRIPTION + " characters"));
    }
    checkText(path + "description", description, out);

    ClaimPolicy policy = claimPolicy(t.claimPolicy(), path, out);
    if (policy == ClaimPolicy.ASSIGNED && t.assignedAgent() == null) {
      out.add(new Violation(path + "assigned_agent", "is required when claim_policy is assigned: the agent id"));
    }
    if (policy != ClaimPolicy.ASSIGNED && t.assignedAgent() != null) {
      out.add(new Violation(path + "assigned_agent",
          "is only allowed with claim_policy assigned; drop it or set claim_policy to assigned"));
    }
    String pool = t.pool() == null ? DEFAULT_POOL : t.pool();
    checkName(path + "pool", pool, out);

    List<String> caps = t.requiredCapabilities() == null ? List.of() : t.requiredCapabilities();
    if (caps.size() > MAX_CAPABILITIES) {
      out.add(new Violation(path + "required_capabilities", "must list at most " + MAX_CAPABILITIES + " names"));
    } else {
      for (int i = 0; i < caps.size(); i++) {
        checkName(path + "required_capabilities[" + i + "]", caps.get(i), out);
      }
    }
    caps = caps.stream().distinct().sorted().toList();

    int priority = t.priority() == null ? 0 : t.priority();
    if (Math.abs((long) priority) > MAX_PRIORITY) {
      out.add(new Violation(path + "priority",
          "must be between -" + MAX_PRIORITY + " and " + MAX_PRIORITY + " (higher runs first)"));
    }
    if (t.runtime() != null) {
      checkName(path + "runtime", t.runtime(), out);
    }
    JsonNode input = t.input();
    if (input != null && !input.isNull() && !input.isObject()) {
      out.add(new Violation(path + "input", "must be a JSON object, for example {\"command\": \"make test\"}"));
    } else if (input != null && input.toString().length() > MAX_INPUT_BYTES) {
      out.add(new Violation(path + "input", "must serialize to at most " + MAX_INPUT_BYTES + " bytes"));
    } else {
      StorableJson.check(input, path + "input", out);
    }
    if (input == null || input.isNull() || input.isObject()) {
      RuntimeInput.check(t.runtime(), input, path, out);
    }
    int maxAttempts = t.maxAttempts() == null ? DEFAULT_MAX_ATTEMPTS : t.maxAttempts();
    if (maxAttempts < 1 || maxAttempts > MAX_ATTEMPTS) {
      out.add(new Violation(path + "max_attempts", "must be between 1 and " + MAX_ATTEMPTS));
    }
    Duration timeout = timeout(t.timeout(), path, out);
    if (timeout != null && (timeout.isZero() || timeout.compareTo(MAX_TIMEOUT) > 0)) {
      out.add(new Violation(path + "timeout", "must be positive and at most 7 days, e.g. \"30m\" or \"PT2H\""));
    }
    if (t.notBefore() != null && (t.notBefore().isBefore(EARLIEST) || t.notBefore().isAfter(LATEST))) {
      out.add(new Violation(path + "not_before", "must be a timestamp between the years 1 and 9999, e.g."
          + " 2026-11-21T09:30:00Z"));
    }
    List<java.util.UUID> deps = t.dependsOn() == null ? List.of() : t.dependsOn();
    if (deps.size() > MAX_DEPENDENCIES) {
      out.add(new Violation(path + "depends_on", "must list at most " + MAX_DEPENDENCIES + " task ids"));
    }
    if (deps.stream().anyMatch(java.util.Objects::isNull)) {
      out.add(new Violation(path + "depends_on", "must not contain null"));
    }
    deps = new ArrayList<>(new HashSet<>(deps.stream().filter(java.util.Objects::nonNull).toList()));
    deps.sort(null);
    String key = t.idempotencyKey();
    if (key != null && (key.isBlank() || key.length() > MAX_IDEMPOTENCY_KEY)) {
      out.add(new Violation(path + "idempotency_key", "must be 1 to " + MAX_IDEMPOTENCY_KEY + " characters"));
    }
    checkText(path + "idempotency_key", key, out);
    Map<String, Object> normalized = new HashMap<>();
    normalized.put("title", title);
    normalized.put("description", description);
    normalized.put("claimPolicy", policy.wire());
    normalized.put("pool", pool);
    normalized.put("requiredCapabilities", caps);
    normalized.put("priority", priority);
    normalized.put("input", input == null || input.isNull() ? JsonNodeFactory.instance.objectNode() : input);
    normalized.put("maxAttempts", maxAttempts);
    normalized.put("timeout", timeout == null ? null : DurationText.format(timeout));
    normalized.put("dependsOn", List.copyOf(deps));
    normalized.put("idempotencyKey", key);
    return new Valid(TaskRecords.copy(t, TaskRequest.class, normalized));
  }

  /** The claim policy by its wire name, any case; first_claim when not given or not valid (then said so). */
  private static ClaimPolicy claimPolicy(String wire, String path, List<Violation> out) {
    if (wire == null) {
      return ClaimPolicy.FIRST_CLAIM;
    }
    try {
      return ClaimPolicy.fromWire(wire.strip().toLowerCase(Locale.ROOT));
    } catch (IllegalArgumentException e) {
      out.add(new Violation(path + "claim_policy", "must be first_claim, assigned or broadcast"));
      return ClaimPolicy.FIRST_CLAIM;
    }
  }

  /** The timeout ("30m", "2h30m", "PT30M"), or null when not given or not valid (then said so). */
  private static Duration timeout(String text, String path, List<Violation> out) {
    if (text == null) {
      return null;
    }
    try {
      return DurationText.parse(text);
    } catch (IllegalArgumentException e) {
      out.add(new Violation(path + "timeout", e.getMessage()));
      return null;
    }
  }

  /** Validates one submission and throws if anything is wrong. */
  public static Valid validate(TaskRequest t) {
    List<Violation> violations = new ArrayList<>();
    Valid valid = validate(t, "", violations);
    if (!violations.isEmpty()) {
      throw new ValidationException(violations);
    }
    return valid;
  }

  static void checkName(String field, String value, List<Violation> out) {
    if (value == null || !NAME.matcher(value).matches()) {
      out.add(new Violation(field, "must be 1 to 64 characters of letters, digits, '.', '_', ':' or '-',"
          + " starting with a letter or digit"));
    }
  }

  /** PostgreSQL text cannot hold NUL; say so instead of failing in the driver. */
  static void checkText(String field, String value, List<Violation> out) {
    if (value != null && value.indexOf('\0') >= 0) {
      out.add(new Violation(field, "must not contain the NUL character (\\u0000)"));
    }
  }
}
