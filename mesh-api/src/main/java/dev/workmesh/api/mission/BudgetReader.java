package dev.workmesh.api.mission;

import dev.workmesh.web.StrictJson;
import dev.workmesh.client.model.Budget;
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
 * Reads a mission's {@code budget} strictly: {@code tokens} a JSON integer, {@code cost_usd} a finite
 * number, each optional, nothing else. The ranges are mesh-core's
 * ({@link dev.workmesh.core.mission.MissionBudget#check}).
 */
@JacksonComponent
public class BudgetReader extends ValueDeserializer<Budget> {

  static final Set<String> FIELDS = Set.of("tokens", "cost_usd");

  @Override
  public Budget deserialize(JsonParser p, DeserializationContext ctxt) {
    JsonNode node = ctxt.readTree(p);
    if (!node.isObject()) {
      throw ValidationException.of("", "must be an object with tokens and/or cost_usd, or null");
    }
    List<Violation> violations = new ArrayList<>();
    StrictJson.knownFields(node, FIELDS, violations);
    Long tokens = StrictJson.wholeNumber(node, "tokens", false, violations);
    BigDecimal cost = StrictJson.finiteNumber(node, "cost_usd", "US dollars", violations);
    if (!violations.isEmpty()) {
      throw new ValidationException(violations);
    }
    return new Budget(tokens, cost);
  }
}
