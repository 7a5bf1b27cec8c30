package dev.workmesh.worker.attempt;

import java.time.Duration;
import java.time.format.DateTimeParseException;
import java.util.Locale;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Reads a task's {@code timeout} as the API shows it: the compact form {@code "30s"}, {@code "2h30m"},
 * {@code "1d"} (mesh-core's {@code DurationText.format}) or ISO-8601 such as {@code "PT0.5S"}. The
 * worker does not depend on mesh-core, so this small reader lives here; a test holds it to mesh-core's
 * format.
 */
public final class TaskTimeouts {

  private static final Pattern COMPACT = Pattern.compile("(?:(\\d+)d)?(?:(\\d+)h)?(?:(\\d+)m)?(?:(\\d+)s)?");

  private TaskTimeouts() {}

  /** The timeout, or null when the task has none. */
  public static Duration parse(String text) {
    if (text == null || text.isBlank()) {
      return null;
    }
    String trimmed = text.strip();
    if (trimmed.toUpperCase(Locale.ROOT).startsWith("P")) {
      try {
        return positive(text, Duration.parse(trimmed));
      } catch (DateTimeParseException e) {
        throw new IllegalArgumentException("task timeout '" + text + "' is not an ISO-8601 duration");
      }
    }
    Matcher m = COMPACT.matcher(trimmed.toLowerCase(Locale.ROOT));
    if (!m.matches()) {
      throw new IllegalArgumentException("task timeout '" + text + "' is neither like '2h30m' nor ISO-8601");
    }
    return positive(
        text,
        Duration.ofDays(number(m.group(1))).plusHours(number(m.group(2))).plusMinutes(number(m.group(3)))
            .plusSeconds(number(m.group(4))));
  }

  private static Duration positive(String text, Duration duration) {
    if (duration.isZero() || duration.isNegative()) {
      throw new IllegalArgumentException("task timeout '" + text + "' is not positive");
    }
    return duration;
  }

  private static long number(String digits) {
    return digits == null ? 0 : Long.parseLong(digits);
  }
}
