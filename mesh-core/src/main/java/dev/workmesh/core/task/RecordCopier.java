package dev.workmesh.core.task;

import java.lang.invoke.MethodHandle;
import java.lang.invoke.MethodHandles;
import java.lang.reflect.Constructor;
import java.lang.reflect.RecordComponent;
import java.lang.reflect.Type;
import java.util.Arrays;
import java.util.HashMap;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import tools.jackson.databind.JavaType;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;

/**
 * {@link TaskRecords#copy} from one record to another without a JSON tree in between: a field whose type
 * is the same in both records is handed over as it is (a JSON value as a copy), and only a field whose
 * type differs, or a replaced one, goes through the mapper, so the values and wire forms are those the
 * tree would give. Built once per pair of record types.
 */
final class RecordCopier {

  private static final Map<Class<?>, Map<Class<?>, RecordCopier>> COPIERS = new ConcurrentHashMap<>();

  /** One field of the target: where its value comes from in the source, and its type. */
  private record Field(String name, MethodHandle source, boolean sameType, Class<?> rawType, Type genericType,
      JavaType javaType, Object absent) {}

  private final Field[] fields;
  private final MethodHandle constructor;
  private final JsonMapper mapper;

  private RecordCopier(Class<?> from, Class<?> to, JsonMapper mapper) {
    this.mapper = mapper;
    Map<String, RecordComponent> sources = new HashMap<>();
    for (RecordComponent c : from.getRecordComponents()) {
      sources.put(c.getName(), c);
    }
    RecordComponent[] targets = to.getRecordComponents();
    this.fields = new Field[targets.length];
    try {
      for (int i = 0; i < targets.length; i++) {
        RecordComponent t = targets[i];
        RecordComponent s = sources.get(t.getName());
        MethodHandle accessor = s == null ? null : accessor(s);
        fields[i] = new Field(t.getName(), accessor, s != null && s.getGenericType().equals(t.getGenericType()),
            t.getType(), t.getGenericType(), mapper.constructType(t.getGenericType()), absent(t.getType()));
      }
      Constructor<?> canonical = to.getDeclaredConstructor(
          Arrays.stream(targets).map(RecordComponent::getType).toArray(Class<?>[]::new));
      canonical.setAccessible(true);
      this.constructor = MethodHandles.lookup().unreflectConstructor(canonical);
    } catch (ReflectiveOperationException e) {
      throw new IllegalStateException("cannot copy " + from.getName() + " to " + to.getName(), e);
    }
  }

  private static MethodHandle accessor(RecordComponent component) throws IllegalAccessException {
    var accessor = component.getAccessor();
    accessor.setAccessible(true);
    return MethodHandles.lookup().unreflect(accessor);
  }

  static RecordCopier of(Class<?> from, Class<?> to, JsonMapper mapper) {
    return COPIERS.computeIfAbsent(from, f -> new ConcurrentHashMap<>())
        .computeIfAbsent(to, t -> new RecordCopier(from, t, mapper));
  }

  @SuppressWarnings("unchecked")
  <T> T copy(Record from, Map<String, ?> replaced) {
    Object[] values = new Object[fields.length];
    for (int i = 0; i < fields.length; i++) {
      Field f = fields[i];
      Object value;
      if (replaced.containsKey(f.name())) {
        value = convert(replaced.get(f.name()), f, false);
      } else if (f.source() == null) {
        value = null;
      } else {
        value = convert(read(f.source(), from), f, f.sameType());
      }
      values[i] = value == null ? f.absent() : value;
    }
    try {
      return (T) constructor.invokeWithArguments(values);
    } catch (RuntimeException | Error e) {
      throw e;
    } catch (Throwable e) {
      throw new IllegalStateException(e);
    }
  }

  private static Object read(MethodHandle accessor, Record from) {
    try {
      return accessor.invoke(from);
    } catch (RuntimeException | Error e) {
      throw e;
    } catch (Throwable e) {
      throw new IllegalStateException(e);
    }
  }

  private Object convert(Object value, Field f, boolean sameType) {
    if (value == null) {
      return null;
    }
    if (value instanceof JsonNode node) {
      return f.rawType().isInstance(node) ? node.deepCopy() : mapper.convertValue(node, f.javaType());
    }
    if (sameType || (f.genericType() instanceof Class<?> && f.rawType().isInstance(value) && isPlain(value))) {
      return value;
    }
    return mapper.convertValue(value, f.javaType());
  }

  /** Values handed over as they are when the target's type takes them: immutable scalars. */
  private static boolean isPlain(Object value) {
    return value instanceof String || value instanceof Number || value instanceof Boolean
        || value instanceof java.util.UUID || value instanceof java.time.temporal.Temporal
        || value instanceof java.time.Duration || value instanceof Enum<?>;
  }

  /** What a missing field of this type becomes: null, or a primitive's zero. */
  private static Object absent(Class<?> type) {
    if (!type.isPrimitive()) {
      return null;
    }
    return java.lang.reflect.Array.get(java.lang.reflect.Array.newInstance(type, 1), 0);
  }
}
