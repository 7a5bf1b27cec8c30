package dev.workmesh.core;

import java.time.Duration;
import java.time.format.DateTimeParseException;
import java.util.Locale;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Durations as operators write them in job files, REST requests and configuration: the compact form {@code "30s"},
 * {@code "30m"}, {@code "2h30m"}, {@code "1d"} (units {@code d h m s}, each at most once, largest
 * first, {@code d} = exactly 24 hours), or ISO-8601 such as {@code "PT30M"} / {@code "P1DT2H"}.
 *
 * <p>{@code java.time.Duration} parses only ISO-8601 and Spring's {@code DurationStyle.SIMPLE}
 * takes a single unit ({@code "30m"}, not {@code "2h30m"}), so the compound form is parsed here.
 */
public final class DurationText {

  /** What every error message shows as the accepted syntax. */
  public static final String EXPECTED =
      "a duration such as \"30s\", \"30m\", \"2h30m\", \"1d\" or ISO-8601 \"PT30M\"";

  private static final Pattern COMPACT =
      Pattern.compile("(?:(\\d+)d)?(?:(\\d+)h)?(?:(\\d+)m)?(?:(\\d+)s)?");

  private DurationText() {}

  /**
   * Parses {@code text}; never returns a negative duration.
   *
   * @throws IllegalArgumentException saying what was expected and what was found
   */
  public static Duration parse(String text) {
    if (text == null || text.isBlank()) {
      throw new IllegalArgumentException("expected " + EXPECTED + ", got an empty string");
    }
    String trimmed = text.strip();
    Duration parsed =
        trimmed.toUpperCase(Locale.ROOT).startsWith("P") || trimmed.startsWith("-P")
            ? parseIso(trimmed)
            : parseCompact(trimmed);
    if (parsed.isNegative()) {
      throw new IllegalArgumentException("expected " + EXPECTED + ", got a negative duration \"" + text + "\"");
    }
    return parsed;
  }

  /** The compact form of {@code duration}: {@code "2h30m"}, {@code "1d"}, {@code "0s"}; sub-second parts in ISO. */
  public static String format(Duration duration) {
    if (duration.isNegative() || duration.getNano() != 0) {
      return duration.toString();
    }
    long seconds = duration.getSeconds();
    if (seconds == 0) {
      return "0s";
    }
    StringBuilder out = new StringBuilder();
    long days = seconds / 86_400;
    long hours = seconds % 86_400 / 3_600;
    long minutes = seconds % 3_600 / 60;
    long secs = seconds % 60;
    if (days > 0) out.append(days).append('d');
    if (hours > 0) out.append(hours).append('h');
    if (minutes > 0) out.append(minutes).append('m');
    if (secs > 0) out.append(secs).append('s');
    return out.toString();
  }

  private static Duration parseIso(String text) {
    try {
      return Duration.parse(text);
    } catch (DateTimeParseException e) {
      throw new IllegalArgumentException("expected " + EXPECTED + ", got \"" + text + "\" (not valid ISO-8601)");
    }
  }

  private static Duration parseCompact(String text) {
    Matcher m = COMPACT.matcher(text.toLowerCase(Locale.ROOT));
    if (text.isEmpty() || !m.matches()) {
      throw new IllegalArgumentException(
          "expected " + EXPECTED + " (units d, h, m, s, largest first, no spaces), got \"" + text + "\"");
    }
    try {
      return Duration.ofDays(number(m.group(1)))
          .plusHours(number(m.group(2)))
          .plusMinutes(number(m.group(3)))
          .plusSeconds(number(m.group(4)));
    } catch (ArithmeticException | NumberFormatException e) {
      throw new IllegalArgumentException("duration \"" + text + "\" is too large");
    }
  }

  private static long number(String digits) {
    return digits == null ? 0 : Long.parseLong(digits);
  }
}
