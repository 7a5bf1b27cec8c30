package dev.workmesh.web;

import java.util.UUID;
import tools.jackson.core.JsonParser;
import tools.jackson.core.StreamReadFeature;
import tools.jackson.databind.DeserializationContext;
import tools.jackson.databind.DeserializationFeature;
import tools.jackson.databind.ValueDeserializer;
import tools.jackson.databind.exc.InvalidFormatException;
import tools.jackson.databind.json.JsonMapper;
import tools.jackson.databind.module.SimpleModule;

/**
 * How every service reads JSON: a repeated key is an error (not "the last one wins"), a document has
 * nothing after its end, a null never becomes 0 or false, and a UUID is ASCII hex in the 8-4-4-4-12
 * layout (Jackson would take Base64 too). Numbers beyond a double's range are refused where a free-form
 * value is stored (mesh-core's StorableJson) and by typed fields (a whole number must fit its field).
 */
public final class StrictJsonMapper {

  private StrictJsonMapper() {}

  /** Applies the strict settings to a builder (Spring Boot's, or one of a service's own). */
  public static JsonMapper.Builder configure(JsonMapper.Builder builder) {
    return builder
        .enable(StreamReadFeature.STRICT_DUPLICATE_DETECTION)
        .enable(DeserializationFeature.FAIL_ON_TRAILING_TOKENS)
        .enable(DeserializationFeature.FAIL_ON_NULL_FOR_PRIMITIVES)
        .addModule(new SimpleModule("workmesh-strict-json").addDeserializer(UUID.class, new UuidReader()));
  }

  /** Reads a UUID only from its canonical text. */
  static final class UuidReader extends ValueDeserializer<UUID> {
    @Override
    public UUID deserialize(JsonParser p, DeserializationContext ctxt) {
      if (!p.currentToken().isScalarValue() || !p.currentToken().equals(tools.jackson.core.JsonToken.VALUE_STRING)) {
        return (UUID) ctxt.handleUnexpectedToken(UUID.class, p);
      }
      String text = p.getString();
      if (!StrictUuids.isUuid(text)) {
        throw InvalidFormatException.from(p, "not a UUID", text, UUID.class);
      }
      return UUID.fromString(text);
    }
  }
}
