package dev.workmesh.devstack.cli;

import dev.workmesh.client.MeshClient;
import dev.workmesh.core.DurationText;
import java.math.BigDecimal;
import java.util.UUID;
import tools.jackson.core.JacksonException;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.node.ObjectNode;

/**
 * Turns the text of a command-line value into what it stands for; every refusal names the option (or
 * argument) and what it expects, as a {@link BadUsageException}.
 */
final class OptionValues {

  private OptionValues() {}

  static int wholeNumber(String option, String value) {
    try {
      return Integer.parseInt(value.strip());
    } catch (NumberFormatException e) {
      throw new BadUsageException(option + " expects a whole number, got \"" + value + "\"");
    }
  }

  static long wholeNumberLong(String option, String value) {
    try {
      return Long.parseLong(value.strip());
    } catch (NumberFormatException e) {
      throw new BadUsageException(option + " expects a whole number, got \"" + value + "\"");
    }
  }

  static BigDecimal decimal(String option, String value) {
    try {
      return new BigDecimal(value.strip());
    } catch (NumberFormatException e) {
      throw new BadUsageException(option + " expects a number such as 2.50, got \"" + value + "\"");
    }
  }

  static String claimPolicy(String option, String value) {
    return switch (value) {
      case "first_claim", "assigned", "broadcast" -> value;
      default -> throw new BadUsageException(option + " expects first_claim, assigned or broadcast, got \"" + value
          + "\"");
    };
  }

  /** A UUID; {@code what} says whose, e.g. "./mesh task ID expects a task id". */
  static UUID id(String what, String value) {
    try {
      return UUID.fromString(value.strip());
    } catch (IllegalArgumentException e) {
      throw new BadUsageException(what + " (a UUID such as 0190b7a4-4a4e-7c1d-9f2e-3b5a6c7d8e9f), got \""
          + value + "\"");
    }
  }

  /** A duration as the API takes it; sent as written. */
  static String duration(String option, String value) {
    try {
      DurationText.parse(value);
      return value;
    } catch (IllegalArgumentException e) {
      throw new BadUsageException(option + " expects " + DurationText.EXPECTED + ", got \"" + value + "\"");
    }
  }

  /** A JSON object, e.g. {@code {"argv":["ls","-l"]}}. */
  static ObjectNode jsonObject(String option, String value) {
    JsonNode parsed;
    try {
      parsed = MeshClient.JSON.readTree(value);
    } catch (JacksonException e) {
      throw new BadUsageException(option + " is not valid JSON: " + readable(e) + "; expected a JSON object such as "
          + "'{\"argv\":[\"ls\",\"-l\"]}'");
    }
    if (parsed == null || !parsed.isObject()) {
      throw new BadUsageException(option + " must be a JSON object, e.g. '{\"argv\":[\"ls\",\"-l\"]}'");
    }
    return (ObjectNode) parsed;
  }

  /** The parser's complaint without its internals: no character codes, no source excerpt, with the column. */
  private static String readable(JacksonException e) {
    String message = e.getOriginalMessage() == null ? "malformed" : e.getOriginalMessage();
    message = message.replaceAll(" \\(code -?\\d+\\)", "").strip();
    if (e.getLocation() != null && e.getLocation().getColumnNr() > 0) {
      message += " (at character " + e.getLocation().getColumnNr() + ")";
    }
    return message;
  }
}
