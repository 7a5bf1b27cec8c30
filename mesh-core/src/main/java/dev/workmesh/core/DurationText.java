package dev.workmesh.core;

import java.time.Duration;
import java.time.format.DateTimeParseException;
import java.util.Locale;
import org.springframework.format.annotation.DurationFormat;
import org.springframework.format.datetime.standard.DurationFormatterUtils;

/**
 * Durations as operators write them in job files, REST requests and configuration: the composite form
 * {@code "30s"}, {@code "30m"}, {@code "2h30m"}, {@code "1d"}, {@code "500ms"} (units {@code d h m s ms},
 * largest first, {@code d} = exactly 24 hours; Spring's {@link DurationFormat.Style#COMPOSITE}), or ISO-8601
 * such as {@code "PT30M"} / {@code "P1DT2H"}. Never negative.
 */
public final class DurationText {

  /** What every error message shows as the accepted syntax. */
  public static final String EXPECTED =
      "a duration such as \"30s\", \"30m\", \"2h30m\", \"1d\" or ISO-8601 \"PT30M\"";

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
    Duration parsed = trimmed.toUpperCase(Locale.ROOT).startsWith("P") ? parseIso(trimmed) : parseComposite(trimmed);
    if (parsed.isNegative()) {
      throw new IllegalArgumentException("expected " + EXPECTED + ", got a negative duration \"" + text + "\"");
    }
    return parsed;
  }

  /** The composite form of {@code duration}: {@code "2h30m"}, {@code "1d"}, {@code "1s500ms"}, {@code "0s"}. */
  public static String format(Duration duration) {
    return DurationFormatterUtils.print(duration, DurationFormat.Style.COMPOSITE);
  }

  private static Duration parseIso(String text) {
    try {
      return Duration.parse(text);
    } catch (DateTimeParseException e) {
      throw new IllegalArgumentException("expected " + EXPECTED + ", got \"" + text + "\" (not valid ISO-8601)");
    }
  }

  private static Duration parseComposite(String text) {
    try {
      return DurationFormatterUtils.parse(text.toLowerCase(Locale.ROOT), DurationFormat.Style.COMPOSITE);
    } catch (IllegalArgumentException | ArithmeticException e) {
      throw new IllegalArgumentException(
          "expected " + EXPECTED + " (units d, h, m, s, ms, largest first), got \"" + text + "\"");
    }
  }
}
