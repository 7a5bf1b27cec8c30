package dev.workmesh.api.claim;

import dev.workmesh.web.StrictJson;
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
 * Reads the {@code usage} of a report strictly: an object of exactly the known fields, token counts that
 * are JSON integers, a finite cost. Jackson's defaults would truncate floats and coerce strings. The
 * value ranges are mesh-core's ({@link dev.workmesh.core.usage.AttemptUsage#check}).
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
    StrictJson.knownFields(node, FIELDS, violations);
    JsonNode model = node.path("model");
    if (!model.isMissingNode() && !model.isNull() && !model.isString()) {
      violations.add(new Violation("model", "must be a string or null"));
    }
    Long input = StrictJson.wholeNumber(node, "input_tokens", true, violations);
    Long output = StrictJson.wholeNumber(node, "output_tokens", true, violations);
    BigDecimal cost = StrictJson.finiteNumber(node, "cost_usd", "US dollars", violations);
    if (!violations.isEmpty()) {
      throw new ValidationException(violations);
    }
    return new Usage(model.isString() ? model.asString() : null, input, output, cost);
  }
}
