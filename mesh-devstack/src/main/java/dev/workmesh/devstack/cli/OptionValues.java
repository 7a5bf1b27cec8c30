package dev.workmesh.devstack.cli;

import dev.workmesh.client.MeshClient;
import dev.workmesh.core.DurationText;
import java.math.BigDecimal;
import java.util.UUID;
import picocli.CommandLine.ITypeConverter;
import picocli.CommandLine.TypeConversionException;
import tools.jackson.core.JacksonException;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.node.ObjectNode;

/**
 * Converters from the text of a command-line value to what it stands for. Each refusal says what is
 * expected; {@link MeshCli} puts the option's name in front and the value given behind.
 */
final class OptionValues {

  private OptionValues() {}

  static final class WholeNumber implements ITypeConverter<Integer> {
    @Override
    public Integer convert(String value) {
      try {
        return Integer.parseInt(value.strip());
      } catch (NumberFormatException e) {
        throw new TypeConversionException("expects a whole number");
      }
    }
  }

  static final class WholeNumberLong implements ITypeConverter<Long> {
    @Override
    public Long convert(String value) {
      try {
        return Long.parseLong(value.strip());
      } catch (NumberFormatException e) {
        throw new TypeConversionException("expects a whole number");
      }
    }
  }

  static final class Decimal implements ITypeConverter<BigDecimal> {
    @Override
    public BigDecimal convert(String value) {
      try {
        return new BigDecimal(value.strip());
      } catch (NumberFormatException e) {
        throw new TypeConversionException("expects a number such as 2.50");
      }
    }
  }

  static final class ClaimPolicy implements ITypeConverter<String> {
    @Override
    public String convert(String value) {
      return switch (value) {
        case "first_claim", "assigned", "broadcast" -> value;
        default -> throw new TypeConversionException("expects first_claim, assigned or broadcast");
      };
    }
  }

  static final class TaskId implements ITypeConverter<UUID> {
    @Override
    public UUID convert(String value) {
      return uuid("expects a task id", value);
    }
  }

  static final class AgentId implements ITypeConverter<UUID> {
    @Override
    public UUID convert(String value) {
      return uuid("expects an agent id", value);
    }
  }

  /** A duration as the API takes it; checked here, sent as written. */
  static final class Duration implements ITypeConverter<String> {
    @Override
    public String convert(String value) {
      try {
        DurationText.parse(value);
        return value;
      } catch (IllegalArgumentException e) {
        throw new TypeConversionException("expects " + DurationText.EXPECTED);
      }
    }
  }

  /** A JSON object, e.g. {@code {"argv":["ls","-l"]}}. */
  static final class JsonObject implements ITypeConverter<ObjectNode> {
    @Override
    public ObjectNode convert(String value) {
      JsonNode parsed;
      try {
        parsed = MeshClient.JSON.readTree(value);
      } catch (JacksonException e) {
        throw new TypeConversionException("is not valid JSON: " + readable(e) + "; expected a JSON object such as "
            + "'{\"argv\":[\"ls\",\"-l\"]}'");
      }
      if (parsed == null || !parsed.isObject()) {
        throw new TypeConversionException("must be a JSON object, e.g. '{\"argv\":[\"ls\",\"-l\"]}'");
      }
      return (ObjectNode) parsed;
    }
  }

  private static UUID uuid(String expected, String value) {
    String text = value.strip();
    if (!text.matches("[0-9a-fA-F]{8}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{12}")) {
      throw new TypeConversionException(expected + " (a UUID such as 0190b7a4-4a4e-7c1d-9f2e-3b5a6c7d8e9f)");
    }
    return UUID.fromString(text);
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
