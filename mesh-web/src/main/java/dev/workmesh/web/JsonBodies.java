package dev.workmesh.web;

import dev.workmesh.core.ValidationException;
import java.util.List;
import tools.jackson.core.JacksonException;
import tools.jackson.databind.DeserializationFeature;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;

/** Reads request bodies that may be one object or an array of them, naming the offending field on error. */
public class JsonBodies {

  private final JsonMapper json;

  public JsonBodies(JsonMapper json) {
    this.json = json.rebuild().enable(DeserializationFeature.FAIL_ON_UNKNOWN_PROPERTIES).build();
  }

  public <T> T read(JsonNode node, Class<T> type, String prefix) {
    if (node == null || !node.isObject()) {
      throw ValidationException.of(prefix.isEmpty() ? "body" : prefix.substring(0, prefix.length() - 1),
          "must be a JSON object");
    }
    try {
      return json.treeToValue(node, type);
    } catch (JacksonException e) {
      throw new ValidationException(JsonReadErrors.describeAll(e, prefix));
    }
  }
}
