package dev.workmesh.web;

import java.time.Instant;
import java.time.OffsetDateTime;
import java.time.format.DateTimeParseException;
import java.util.UUID;
import tools.jackson.core.JsonParser;
import tools.jackson.core.StreamReadFeature;
import tools.jackson.databind.DeserializationContext;
import tools.jackson.databind.DeserializationFeature;
import tools.jackson.databind.MapperFeature;
import tools.jackson.databind.cfg.CoercionAction;
import tools.jackson.databind.cfg.CoercionInputShape;
import tools.jackson.databind.ValueDeserializer;
import tools.jackson.databind.exc.InvalidFormatException;
import tools.jackson.databind.json.JsonMapper;
import tools.jackson.databind.module.SimpleModule;
import tools.jackson.databind.type.LogicalType;

/**
 * How every service reads JSON: a repeated key is an error (not "the last one wins"), a document has
 * nothing after its end, a null never becomes 0 or false, a scalar is never coerced to another type, and a UUID is ASCII hex in the 8-4-4-4-12
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
        // A scalar is read only as its own type: no "5" for a number, 5.0 for a whole number, 123 for a text
        // or 1 for a boolean, and no blank string for a number or a boolean (Jackson's default reads " " as null).
        .disable(MapperFeature.ALLOW_COERCION_OF_SCALARS)
        .disable(DeserializationFeature.ACCEPT_FLOAT_AS_INT)
        .withCoercionConfig(LogicalType.Textual, text -> text
            .setCoercion(CoercionInputShape.Integer, CoercionAction.Fail)
            .setCoercion(CoercionInputShape.Float, CoercionAction.Fail)
            .setCoercion(CoercionInputShape.Boolean, CoercionAction.Fail))
        .withCoercionConfig(LogicalType.Boolean, bool -> bool
            .setCoercion(CoercionInputShape.Integer, CoercionAction.Fail)
            .setCoercion(CoercionInputShape.String, CoercionAction.Fail)
            .setCoercion(CoercionInputShape.EmptyString, CoercionAction.Fail))
        .withCoercionConfig(LogicalType.Integer, whole -> whole
            .setCoercion(CoercionInputShape.String, CoercionAction.Fail)
            .setCoercion(CoercionInputShape.EmptyString, CoercionAction.Fail)
            .setCoercion(CoercionInputShape.Float, CoercionAction.Fail))
        .withCoercionConfig(LogicalType.Float, number -> number
            .setCoercion(CoercionInputShape.String, CoercionAction.Fail)
            .setCoercion(CoercionInputShape.EmptyString, CoercionAction.Fail))
        .addModule(new SimpleModule("workmesh-strict-json").addDeserializer(UUID.class, new UuidReader())
            .addDeserializer(Instant.class, new InstantReader()));
  }

  /** Reads an instant only from RFC 3339 text ({@code 2026-12-06T07:00:00Z}, or with an offset), never from a number. */
  static final class InstantReader extends ValueDeserializer<Instant> {
    @Override
    public Instant deserialize(JsonParser p, DeserializationContext ctxt) {
      if (!p.currentToken().equals(tools.jackson.core.JsonToken.VALUE_STRING)) {
        return (Instant) ctxt.handleUnexpectedToken(Instant.class, p);
      }
      String text = p.getString();
      try {
        return OffsetDateTime.parse(text).toInstant();
      } catch (DateTimeParseException e) {
        throw InvalidFormatException.from(p, "not a date-time such as 2026-12-06T07:00:00Z", text, Instant.class);
      }
    }
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
