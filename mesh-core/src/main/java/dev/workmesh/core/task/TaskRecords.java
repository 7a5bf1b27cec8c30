package dev.workmesh.core.task;

import com.fasterxml.jackson.annotation.JsonInclude;
import dev.workmesh.core.DurationText;
import java.lang.reflect.RecordComponent;
import java.time.Duration;
import java.util.Arrays;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import tools.jackson.core.JacksonException;
import tools.jackson.core.JsonGenerator;
import tools.jackson.core.JsonParser;
import tools.jackson.databind.DeserializationContext;
import tools.jackson.databind.DeserializationFeature;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.PropertyNamingStrategies;
import tools.jackson.databind.SerializationContext;
import tools.jackson.databind.ValueDeserializer;
import tools.jackson.databind.ValueSerializer;
import tools.jackson.databind.json.JsonMapper;
import tools.jackson.databind.module.SimpleModule;
import tools.jackson.databind.node.ObjectNode;

/**
 * Copies a task's fields by name from one record to another: typed values into the submission record
 * ({@code TaskRequest}), a stored {@link MeshTask} to the view the API shows. A field added to the
 * submission record travels without a line of mapping. Types meet in their wire forms: claim policies and
 * statuses by their wire names, durations as {@link DurationText} ("2h30m"). Fields the target does not
 * have are left behind; fields without a value stay null.
 */
public final class TaskRecords {

  private static final JsonMapper MAPPER = JsonMapper.builder()
      .disable(DeserializationFeature.FAIL_ON_UNKNOWN_PROPERTIES)
      .changeDefaultPropertyInclusion(i -> JsonInclude.Value.construct(JsonInclude.Include.NON_NULL,
          JsonInclude.Include.NON_NULL))
      .addModule(new SimpleModule("workmesh-task-records")
          .addSerializer(ClaimPolicy.class, wire(ClaimPolicy::wire))
          .addDeserializer(ClaimPolicy.class, read(ClaimPolicy::fromWire))
          .addSerializer(TaskStatus.class, wire(TaskStatus::wire))
          .addDeserializer(TaskStatus.class, read(TaskStatus::fromWire))
          .addSerializer(Duration.class, wire(DurationText::format))
          .addDeserializer(Duration.class, read(DurationText::parse)))
      .build();

  /** The same dialect with the wire's snake_case names, nulls written out: what a service shows. */
  private static final JsonMapper WIRE = MAPPER.rebuild()
      .propertyNamingStrategy(PropertyNamingStrategies.SNAKE_CASE)
      .changeDefaultPropertyInclusion(i -> JsonInclude.Value.construct(JsonInclude.Include.ALWAYS,
          JsonInclude.Include.ALWAYS))
      .build();

  private TaskRecords() {}

  /** The wire names (snake_case) of a record's components, in declaration order. */
  public static List<String> wireNames(Class<? extends Record> type) {
    return Arrays.stream(type.getRecordComponents()).map(c -> wireName(c.getName())).toList();
  }

  /** {@code requiredCapabilities} -> {@code required_capabilities}, as the wire's snake_case names them. */
  public static String wireName(String componentName) {
    return componentName.replaceAll("(?<=[a-z0-9])([A-Z])", "_$1").toLowerCase(Locale.ROOT);
  }

  /** A record's fields as the wire shows them: snake_case names, nulls written out, wire forms of values. */
  public static ObjectNode wireTree(Object record) {
    return WIRE.valueToTree(record);
  }

  /**
   * One field's value read from JSON into the type of a record component.
   *
   * @throws IllegalArgumentException saying what was expected when the value does not fit
   */
  public static Object read(JsonNode value, RecordComponent component) {
    try {
      return MAPPER.treeToValue(value, MAPPER.constructType(component.getGenericType()));
    } catch (JacksonException e) {
      throw new IllegalArgumentException("expected " + MAPPER.constructType(component.getGenericType())
          .toCanonical().replaceAll("[a-z]+\\.", ""), e);
    }
  }

  /** The fields of {@code from} that {@code to} has, as a {@code to}. */
  public static <T> T copy(Object from, Class<T> to) {
    return copy(from, to, Map.of());
  }

  /**
   * The fields of {@code from} that {@code to} has, with {@code replaced} fields (by record component name)
   * taking the given values instead; a null value leaves the field null.
   */
  public static <T> T copy(Object from, Class<T> to, Map<String, ?> replaced) {
    if (from instanceof Record record && to.isRecord()) {
      return RecordCopier.of(record.getClass(), to, MAPPER).copy(record, replaced);
    }
    ObjectNode fields = MAPPER.valueToTree(from);
    replaced.forEach((name, value) -> {
      if (value == null) {
        fields.remove(name);
      } else {
        fields.set(name, MAPPER.valueToTree(value));
      }
    });
    return MAPPER.treeToValue(fields, to);
  }

  private static <T> ValueSerializer<T> wire(java.util.function.Function<T, String> text) {
    return new ValueSerializer<>() {
      @Override
      public void serialize(T value, JsonGenerator gen, SerializationContext ctxt) {
        gen.writeString(text.apply(value));
      }
    };
  }

  private static <T> ValueDeserializer<T> read(java.util.function.Function<String, T> parse) {
    return new ValueDeserializer<>() {
      @Override
      public T deserialize(JsonParser p, DeserializationContext ctxt) {
        return parse.apply(p.getValueAsString());
      }
    };
  }
}
