package dev.workmesh.mcp.tools;

import com.fasterxml.jackson.annotation.JsonInclude;
import dev.workmesh.client.MeshClient;
import java.util.Map;
import tools.jackson.core.type.TypeReference;
import tools.jackson.databind.json.JsonMapper;

/**
 * The JSON of tool results: mesh-api's own dialect (snake_case, ISO-8601 instants) without null fields, so
 * that a model reads only what is there.
 */
public final class StructuredJson {

  public static final JsonMapper MAPPER = MeshClient.JSON.rebuild()
      .changeDefaultPropertyInclusion(v -> v.withValueInclusion(JsonInclude.Include.NON_NULL))
      .build();

  private static final TypeReference<Map<String, Object>> MAP = new TypeReference<>() {};

  private StructuredJson() {}

  /** A record of mesh-client as a JSON object (a map of plain values). */
  public static Map<String, Object> object(Object value) {
    return MAPPER.convertValue(value, MAP);
  }

  /** A JSON object parsed from text, e.g. a schema written as a text block. */
  public static Map<String, Object> parse(String json) {
    return MAPPER.readValue(json, MAP);
  }

  public static String write(Object value) {
    return MAPPER.writeValueAsString(value);
  }
}
