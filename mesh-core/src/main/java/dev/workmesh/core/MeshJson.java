package dev.workmesh.core;

import tools.jackson.databind.DeserializationFeature;
import tools.jackson.databind.PropertyNamingStrategies;
import tools.jackson.databind.json.JsonMapper;

/** The JSON dialect of the mesh: snake_case, ISO-8601 instants, unknown fields tolerated in events. */
public final class MeshJson {

  private static final JsonMapper MAPPER =
      JsonMapper.builder()
          .propertyNamingStrategy(PropertyNamingStrategies.SNAKE_CASE)
          .disable(DeserializationFeature.FAIL_ON_UNKNOWN_PROPERTIES)
          .build();

  private MeshJson() {}

  public static JsonMapper mapper() {
    return MAPPER;
  }
}
