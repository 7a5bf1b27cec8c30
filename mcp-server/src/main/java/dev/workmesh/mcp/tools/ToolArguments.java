package dev.workmesh.mcp.tools;

import dev.workmesh.core.MeshException;
import dev.workmesh.core.ValidationException.Violation;
import dev.workmesh.core.task.StorableJson;
import dev.workmesh.web.StrictUuids;
import java.time.Instant;
import java.time.format.DateTimeParseException;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import tools.jackson.databind.JsonNode;

/**
 * Typed access to a tool call's arguments. The SDK has already checked them against the tool's input schema
 * (types, bounds, enums, required fields, no unknown fields); what is left here is conversion, and an
 * {@link InvalidArgumentException} with the field's name for what a schema cannot express.
 */
public final class ToolArguments {

  private final Map<String, Object> values;

  public ToolArguments(Map<String, Object> values) {
    this.values = values == null ? Map.of() : values;
  }

  public Map<String, Object> asMap() {
    return values;
  }

  public boolean has(String name) {
    return values.get(name) != null;
  }

  public String string(String name) {
    Object value = values.get(name);
    return value == null ? null : value.toString();
  }

  public String requiredString(String name) {
    String value = string(name);
    if (value == null || value.isBlank()) {
      throw new InvalidArgumentException(name, "is required");
    }
    return value;
  }

  public UUID uuid(String name) {
    String value = string(name);
    if (value == null) {
      return null;
    }
    try {
      return StrictUuids.parse(value.strip());
    } catch (IllegalArgumentException e) {
      throw new InvalidArgumentException(name, "must be a UUID such as 01890a5d-ac96-774b-bcce-b302099a8057, got '"
          + value + "'");
    }
  }

  public UUID requiredUuid(String name) {
    UUID value = uuid(name);
    if (value == null) {
      throw new InvalidArgumentException(name, "is required");
    }
    return value;
  }

  public Integer integer(String name) {
    Object value = values.get(name);
    if (value == null) {
      return null;
    }
    if (value instanceof Number n && n.doubleValue() == Math.rint(n.doubleValue())) {
      if (n.doubleValue() < Integer.MIN_VALUE || n.doubleValue() > Integer.MAX_VALUE) {
        throw new InvalidArgumentException(name, "must be between " + Integer.MIN_VALUE + " and " + Integer.MAX_VALUE
            + ", got " + value);
      }
      return n.intValue();
    }
    throw new InvalidArgumentException(name, "must be an integer, got " + value);
  }

  public Boolean bool(String name) {
    Object value = values.get(name);
    if (value == null) {
      return null;
    }
    if (value instanceof Boolean b) {
      return b;
    }
    throw new InvalidArgumentException(name, "must be true or false, got " + value);
  }

  public Instant instant(String name) {
    String value = string(name);
    if (value == null) {
      return null;
    }
    try {
      return Instant.parse(value.strip());
    } catch (DateTimeParseException e) {
      throw new InvalidArgumentException(name, "must be an ISO-8601 instant such as 2030-01-01T09:00:00Z, got '"
          + value + "'");
    }
  }

  public List<String> strings(String name) {
    Object value = values.get(name);
    if (value == null) {
      return null;
    }
    if (!(value instanceof List<?> list)) {
      throw new InvalidArgumentException(name, "must be an array of strings");
    }
    List<String> out = new ArrayList<>(list.size());
    for (Object item : list) {
      if (!(item instanceof String s)) {
        throw new InvalidArgumentException(name, "must be an array of strings");
      }
      out.add(s);
    }
    return out;
  }

  public List<UUID> uuids(String name) {
    List<String> texts = strings(name);
    if (texts == null) {
      return null;
    }
    List<UUID> out = new ArrayList<>(texts.size());
    for (int i = 0; i < texts.size(); i++) {
      try {
        out.add(StrictUuids.parse(texts.get(i).strip()));
      } catch (IllegalArgumentException e) {
        throw new InvalidArgumentException(name + "[" + i + "]", "must be a task id (a UUID), got '" + texts.get(i)
            + "'");
      }
    }
    return out;
  }

  /** Any JSON value, as mesh-client's records carry it. */
  public JsonNode json(String name) {
    Object value = values.get(name);
    if (value == null) {
      return null;
    }
    JsonNode json = StructuredJson.MAPPER.valueToTree(value);
    // mesh-core's rule for stored JSON: a number beyond a double would travel on as the string "Infinity".
    List<Violation> violations = new ArrayList<>();
    StorableJson.check(json, name, violations);
    if (!violations.isEmpty()) {
      throw new InvalidArgumentException(violations.getFirst().field(), violations.getFirst().message());
    }
    return json;
  }

  /** A tool argument that the schema let through but that cannot be used; the model reads the message. */
  public static final class InvalidArgumentException extends MeshException {

    public InvalidArgumentException(String field, String message) {
      super(field + ": " + message);
    }
  }
}
