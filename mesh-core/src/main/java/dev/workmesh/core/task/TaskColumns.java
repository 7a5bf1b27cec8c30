package dev.workmesh.core.task;

import dev.workmesh.client.model.TaskRequest;
import dev.workmesh.core.DurationText;
import dev.workmesh.core.db.MeshDb;
import java.lang.reflect.Constructor;
import java.lang.reflect.InvocationTargetException;
import java.lang.reflect.ParameterizedType;
import java.lang.reflect.RecordComponent;
import java.lang.reflect.Type;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.time.Duration;
import java.time.Instant;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.stream.Collectors;
import tools.jackson.databind.JsonNode;

/**
 * The task table's columns of a submission: one per component of {@link TaskRequest}, named by its wire
 * (snake_case) name and stored by its type, found once when the class loads. A nullable column with the
 * name of a component added to the record is written and read back without an edit here. One component
 * is stored in another form: {@code timeout} (duration text) as {@code timeout_ms}.
 */
final class TaskColumns {

  /** How one component is written and read. */
  private record Column(RecordComponent component, String name, String select, String value, Binder binder,
      Reader reader) {}

  @FunctionalInterface
  private interface Binder {
    Object sqlValue(MeshDb db, Object value);
  }

  @FunctionalInterface
  private interface Reader {
    Object read(MeshDb db, ResultSet rs, String column) throws SQLException;
  }

  private static final List<Column> COLUMNS =
      Arrays.stream(TaskRequest.class.getRecordComponents()).map(TaskColumns::column).toList();

  private static final Constructor<TaskRequest> CONSTRUCTOR = constructor();

  /** The column names, for an INSERT's column list. */
  static final String NAMES = COLUMNS.stream().map(Column::name).collect(Collectors.joining(", "));

  /** The select expressions (JSON as text), for a SELECT or RETURNING list. */
  static final String SELECT = COLUMNS.stream().map(Column::select).collect(Collectors.joining(", "));

  private TaskColumns() {}

  /** The value expressions of one row, parameters named {@code :<column><suffix>}. */
  static String values(String suffix) {
    return COLUMNS.stream().map(c -> c.value().replace("#", suffix)).collect(Collectors.joining(", "));
  }

  /** Binds {@code task}'s values to the parameters {@link #values} names. */
  static void bind(MeshDb db, TaskRequest task, String suffix, Map<String, Object> params) {
    for (Column c : COLUMNS) {
      params.put(c.name() + suffix, c.binder().sqlValue(db, value(c.component(), task)));
    }
  }

  /** The submission stored in the current row. */
  static TaskRequest read(MeshDb db, ResultSet rs) throws SQLException {
    Object[] values = new Object[COLUMNS.size()];
    for (int i = 0; i < values.length; i++) {
      values[i] = COLUMNS.get(i).reader().read(db, rs, COLUMNS.get(i).name());
    }
    try {
      return CONSTRUCTOR.newInstance(values);
    } catch (InstantiationException | IllegalAccessException | InvocationTargetException e) {
      throw new IllegalStateException("cannot build a TaskRequest from a task row", e);
    }
  }

  private static Column column(RecordComponent c) {
    String name = TaskRecords.wireName(c.getName());
    if (name.equals("timeout")) {
      return new Column(c, "timeout_ms", "timeout_ms", ":timeout_ms#",
          (db, v) -> v == null ? null : DurationText.parse((String) v).toMillis(),
          (db, rs, col) -> {
            long ms = rs.getLong(col);
            return rs.wasNull() ? null : DurationText.format(Duration.ofMillis(ms));
          });
    }
    String param = ":" + name + "#";
    Type type = c.getGenericType();
    if (type == JsonNode.class) {
      return new Column(c, name, name + "::text AS " + name, "CAST(" + param + " AS jsonb)",
          (db, v) -> db.writeJson(v), (db, rs, col) -> db.readJson(rs, col));
    }
    if (type == Instant.class) {
      return new Column(c, name, name, param, (db, v) -> MeshDb.ts((Instant) v),
          (db, rs, col) -> MeshDb.instant(rs, col));
    }
    if (type == UUID.class) {
      return new Column(c, name, name, param, (db, v) -> v, (db, rs, col) -> MeshDb.uuid(rs, col));
    }
    if (type == Integer.class) {
      return new Column(c, name, name, param, (db, v) -> v, (db, rs, col) -> {
        int n = rs.getInt(col);
        return rs.wasNull() ? null : n;
      });
    }
    if (type == String.class) {
      return new Column(c, name, name, param, (db, v) -> v, (db, rs, col) -> rs.getString(col));
    }
    if (type instanceof ParameterizedType list && list.getRawType() == List.class) {
      Type element = list.getActualTypeArguments()[0];
      if (element == String.class) {
        return new Column(c, name, name, param, (db, v) -> v == null ? null : MeshDb.textArray(strings(v)),
            (db, rs, col) -> MeshDb.textList(rs, col));
      }
      if (element == UUID.class) {
        return new Column(c, name, name, param, (db, v) -> v == null ? null : MeshDb.uuidArray(uuids(v)),
            (db, rs, col) -> MeshDb.uuidList(rs, col));
      }
    }
    throw new IllegalStateException("TaskRequest." + c.getName() + " has type " + type.getTypeName()
        + ", which has no task column form; add one to TaskColumns");
  }

  @SuppressWarnings("unchecked")
  private static List<String> strings(Object value) {
    return (List<String>) value;
  }

  @SuppressWarnings("unchecked")
  private static List<UUID> uuids(Object value) {
    return (List<UUID>) value;
  }

  private static Object value(RecordComponent c, TaskRequest task) {
    try {
      return c.getAccessor().invoke(task);
    } catch (IllegalAccessException | InvocationTargetException e) {
      throw new IllegalStateException("cannot read TaskRequest." + c.getName(), e);
    }
  }

  private static Constructor<TaskRequest> constructor() {
    try {
      return TaskRequest.class.getDeclaredConstructor(
          COLUMNS.stream().map(c -> c.component().getType()).toArray(Class<?>[]::new));
    } catch (NoSuchMethodException e) {
      throw new IllegalStateException("TaskRequest has no canonical constructor", e);
    }
  }
}
