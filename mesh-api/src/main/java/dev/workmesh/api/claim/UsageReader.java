package dev.workmesh.api.claim;

import dev.workmesh.client.model.Usage;
import dev.workmesh.core.ValidationException;
import dev.workmesh.core.ValidationException.Violation;
import java.math.BigDecimal;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import org.springframework.boot.jackson.JacksonComponent;
import tools.jackson.core.JsonParser;
import tools.jackson.databind.DeserializationContext;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.ValueDeserializer;

/**
 * Reads the {@code usage} of a report strictly: an object of exactly the known fields, whole numbers
 * that are JSON integers (not {@code 1.5}, not {@code "12"}), a finite cost. Jackson's defaults would
 * truncate floats and coerce strings. Violations name the field relative to the usage object; the
 * problem handler puts the object's own path in front. The value ranges are mesh-core's
 * ({@link dev.workmesh.core.usage.AttemptUsage#check}).
 */
@JacksonComponent
public class UsageReader extends ValueDeserializer<Usage> {

  static final Set<String> FIELDS = Set.of("model", "input_tokens", "output_tokens", "cost_usd");

  @Override
  public Usage deserialize(JsonParser p, DeserializationContext ctxt) {
    JsonNode node = ctxt.readTree(p);
    if (!node.isObject()) {
      throw ValidationException.of("",
          "must be an object with model, input_tokens, output_tokens and cost_usd, or null");
    }
    List<Violation> violations = new ArrayList<>();
    for (String name : node.propertyNames()) {
      if (!FIELDS.contains(name)) {
        violations.add(new Violation(name, "is not a known field; known fields: " + FIELDS.stream().sorted().toList()));
      }
    }
    JsonNode model = node.path("model");
    if (!model.isMissingNode() && !model.isNull() && !model.isString()) {
      violations.add(new Violation("model", "must be a string or null"));
    }
    long input = tokens(node, "input_tokens", violations);
    long output = tokens(node, "output_tokens", violations);
    BigDecimal cost = null;
    JsonNode costNode = node.path("cost_usd");
    if (!costNode.isMissingNode() && !costNode.isNull()) {
      if (!costNode.isNumber() || (costNode.isFloatingPointNumber() && !Double.isFinite(costNode.doubleValue()))) {
        violations.add(new Violation("cost_usd", "must be a finite number of US dollars, or null"));
      } else {
        cost = costNode.decimalValue();
      }
    }
    if (!violations.isEmpty()) {
      throw new ValidationException(violations);
    }
    return new Usage(model.isString() ? model.asString() : null, input, output, cost);
  }

  private static long tokens(JsonNode usage, String field, List<Violation> violations) {
    JsonNode n = usage.path(field);
    if (n.isMissingNode() || n.isNull()) {
      violations.add(new Violation(field, "is required: an integer >= 0"));
    } else if (!n.isIntegralNumber() || !n.canConvertToLong()) {
      violations.add(new Violation(field, "must be an integer >= 0"));
    } else {
      return n.longValue();
    }
    return 0;
  }
}
