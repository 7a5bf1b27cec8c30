package dev.workmesh.core.outbox;

import java.time.Instant;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Set;
import java.util.UUID;
import java.util.stream.Collectors;
import tools.jackson.databind.json.JsonMapper;

/**
 * Builds a {@link TaskEvent}'s payload in SQL, for a statement that writes its events to the outbox along
 * with the change they tell of: the keys, their order and the inclusion of nulls are what the mesh's JSON
 * mapper writes for the record, so that an event reads the same whichever side wrote it.
 */
public final class TaskEventSql {

  private TaskEventSql() {}

  /**
   * A SQL expression of type {@code json}: the event whose fields are these SQL expressions, keyed by the
   * payload's names ({@code event_id}, {@code type}, ...).
   *
   * @throws IllegalArgumentException when the expressions do not name exactly the payload's fields
   */
  public static String json(JsonMapper mapper, Map<String, String> fields) {
    UUID id = new UUID(0, 1);
    Map<String, Object> written = keys(mapper, new TaskEvent(id, "t", id, id, "s", "p", 1, id, id, "r", Instant.EPOCH));
    if (!written.keySet().equals(fields.keySet())) {
      throw new IllegalArgumentException("a task event's SQL names " + fields.keySet() + ", its payload has "
          + written.keySet());
    }
    String build = written.keySet().stream().map(k -> "'" + k + "', " + fields.get(k))
        .collect(Collectors.joining(", ", "json_build_object(", ")"));
    Set<String> withNulls = keys(mapper, new TaskEvent(id, "t", id, id, "s", null, 1, null, null, null, Instant.EPOCH))
        .keySet();
    return withNulls.contains("reason") ? build : "json_strip_nulls(" + build + ")";
  }

  @SuppressWarnings("unchecked")
  private static Map<String, Object> keys(JsonMapper mapper, TaskEvent event) {
    return mapper.readValue(mapper.writeValueAsString(event), LinkedHashMap.class);
  }
}
