package dev.workmesh.testsupport.contract;

import dev.workmesh.testsupport.contract.OpenApiDocument.Operation;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import java.util.UUID;
import java.util.function.Function;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.node.ArrayNode;
import tools.jackson.databind.node.JsonNodeFactory;
import tools.jackson.databind.node.ObjectNode;

/**
 * Makes requests from an OpenAPI document's schemas: values that keep to them (small ranges, real ids or
 * names where one of that kind exists) and, with {@link #mutate}, values that break them in one place.
 * Seeded, so a failing run is reproduced by its seed.
 */
public final class RequestGenerator {

  private static final JsonNodeFactory NODES = JsonNodeFactory.instance;
  /** Values that break most schemas: wrong types, overflows, NUL, empty and odd containers. */
  private static final List<String> HOSTILE = List.of("null", "true", "-1", "0", "2147483648", "1e400", "-1e400",
      "1.5", "\"\"", "\"x\"", "\"\\u0000\"", "\"１２３\"", "{}", "[]", "[null]", "{\"a\":{\"b\":[1,{}]}}",
      "\"" + "z".repeat(3000) + "\"");
  /** Path values that name nothing, or nothing well-formed: wrong shapes, encodings and lengths. */
  private static final List<String> BAD_PATH_VALUES = List.of("not-a-uuid", "１２３", "0", "%20", "%00", "%2e%2e",
      "a%2Fb", "%25", "-", "00000000-0000-0000-0000-00000000000g", "x".repeat(300));
  private static final Pattern PATH_PARAMETER = Pattern.compile("\\{[^}]+}");

  private final OpenApiDocument doc;
  private final Random random;
  private final Function<String, List<?>> knownValues;
  private boolean requiredOnly;

  /**
   * @param knownValues for a path template, the values that exist for its path parameter (a mission's id, a
   *     job's name); for {@code "any"}, the ids a {@code format: uuid} field may name
   */
  public RequestGenerator(OpenApiDocument doc, long seed, Function<String, List<?>> knownValues) {
    this.doc = doc;
    this.random = new Random(seed);
    this.knownValues = knownValues;
  }

  /** A concrete path for the operation's template: mostly a value that exists, sometimes a stranger or a bad one. */
  public String path(Operation op) {
    String value = switch (random.nextInt(10)) {
      case 0 -> UUID.randomUUID().toString();
      case 1 -> pick(BAD_PATH_VALUES);
      default -> {
        List<?> known = knownValues.apply(op.template());
        yield known.isEmpty() ? UUID.randomUUID().toString() : pick(known).toString();
      }
    };
    return PATH_PARAMETER.matcher(op.template()).replaceAll(Matcher.quoteReplacement(value));
  }

  /** A query string (without '?') from the operation's query parameters, sometimes out of range or a junk one. */
  public String query(Operation op) {
    List<String> parts = new ArrayList<>();
    for (JsonNode p : op.parameters(doc)) {
      if (p.path("in").asString().equals("query") && random.nextBoolean()) {
        JsonNode v = switch (random.nextInt(8)) {
          case 0 -> NODES.stringNode(pick(List.of("", "x", "-5", "99999999999", "1.5", "１")));
          case 1 -> outOfRange(doc.resolve(p.path("schema")));
          default -> value(p.path("schema"), 0);
        };
        parts.add(p.path("name").asString() + "=" + java.net.URLEncoder.encode(v.isString() ? v.asString()
            : v.toString(), java.nio.charset.StandardCharsets.UTF_8));
      }
    }
    if (random.nextInt(8) == 0) {
      parts.add(pick(List.of("=x", "unknown=1", "limit=1&limit=2")));
    }
    return String.join("&", parts);
  }

  /** A JSON body for the operation, or null when it takes none. */
  public String body(Operation op) {
    JsonNode media = op.definition().path("requestBody").path("content").path("application/json");
    if (media.isMissingNode()) {
      return null;
    }
    // A quarter of the bodies carry only their required fields: the smallest request the document allows,
    // which the server must accept; the rest add optional fields at random, which may break its rules.
    requiredOnly = random.nextInt(4) == 0;
    return value(media.path("schema"), 0).toString();
  }

  /** The body broken in one place: a field with a hostile value, an unknown field, a required one dropped, or not JSON. */
  public String mutate(String body) {
    JsonNode node = body == null ? NODES.objectNode() : tools.jackson.databind.json.JsonMapper.shared().readTree(body);
    ObjectNode target = node instanceof ObjectNode o ? o
        : node instanceof ArrayNode a && !a.isEmpty() && a.get(0) instanceof ObjectNode o ? o : null;
    switch (random.nextInt(5)) {
      case 0 -> {
        return pick(List.of("{", "not json", "{\"a\":1,\"a\":2}", "[", "\"string\"", "null", "{}{}"));
      }
      case 1 -> {
        if (target != null) {
          target.put(pick(List.of("unknown_field", "agentId", "claimToken", "Title")), 1);
        }
      }
      case 2 -> {
        if (target != null && target.size() > 0) {
          target.remove(pick(new ArrayList<>(target.propertyNames())));
        }
      }
      default -> {
        String hostile = pick(HOSTILE);
        if (target != null && target.size() > 0) {
          String field = pick(new ArrayList<>(target.propertyNames()));
          target.set(field, tools.jackson.databind.json.JsonMapper.builder()
              .enable(tools.jackson.databind.DeserializationFeature.USE_BIG_DECIMAL_FOR_FLOATS).build()
              .readTree(hostile));
        } else {
          return hostile;
        }
      }
    }
    return node.toString();
  }

  /** A value the schema allows, kept small. */
  JsonNode value(JsonNode schemaRef, int depth) {
    JsonNode schema = doc.resolve(schemaRef);
    if (schema.has("oneOf")) {
      List<JsonNode> options = schema.get("oneOf").valueStream().filter(o -> !isNull(o)).toList();
      return options.isEmpty() ? NODES.nullNode() : value(pick(options), depth);
    }
    if (schema.has("enum")) {
      List<JsonNode> values = schema.get("enum").valueStream().filter(v -> !v.isNull()).toList();
      return pick(values).deepCopy();
    }
    String type = type(schema);
    return switch (type) {
      case "object" -> object(schema, depth);
      case "array" -> {
        ArrayNode array = NODES.arrayNode();
        int min = schema.path("minItems").asInt(0);
        int n = min + random.nextInt(depth > 1 ? 1 : 3);
        for (int i = 0; i < n; i++) {
          array.add(value(schema.path("items"), depth + 1));
        }
        yield array;
      }
      case "integer" -> {
        long min = schema.has("minimum") ? schema.get("minimum").asLong() : -5;
        long max = schema.has("maximum") ? schema.get("maximum").asLong() : min + 1; // wait_seconds: short polls
        yield NODES.numberNode(random.nextInt(4) == 0 ? (random.nextBoolean() ? min : max)
            : min + random.nextInt((int) Math.min(5, max - min + 1)));
      }
      case "number" -> NODES.numberNode(new java.math.BigDecimal(random.nextInt(1000)).movePointLeft(2));
      case "boolean" -> NODES.booleanNode(random.nextBoolean());
      case "string" -> NODES.stringNode(string(schema));
      default -> NODES.objectNode().put("k", "v"); // any JSON
    };
  }

  /** Just past the schema's minimum or maximum, or a wrong type where it has neither. */
  private JsonNode outOfRange(JsonNode schema) {
    List<JsonNode> past = new ArrayList<>();
    if (schema.has("minimum")) {
      past.add(NODES.numberNode(schema.get("minimum").asLong() - 1));
    }
    if (schema.has("maximum")) {
      past.add(NODES.numberNode(schema.get("maximum").asLong() + 1));
    }
    return past.isEmpty() ? NODES.stringNode("not-" + type(schema)) : pick(past);
  }

  private ObjectNode object(JsonNode schema, int depth) {
    ObjectNode out = NODES.objectNode();
    List<String> required = schema.path("required").valueStream().map(JsonNode::asString).toList();
    for (var p : schema.path("properties").properties()) {
      if (required.contains(p.getKey()) || (!requiredOnly && depth < 2 && random.nextInt(3) == 0)) {
        out.set(p.getKey(), value(p.getValue(), depth + 1));
      }
    }
    return out;
  }

  private String string(JsonNode schema) {
    String format = schema.path("format").asString("");
    String pattern = schema.path("pattern").asString("");
    if (format.equals("uuid")) {
      List<?> ids = knownValues.apply("any");
      return random.nextBoolean() || ids.isEmpty() ? UUID.randomUUID().toString() : pick(ids).toString();
    }
    JsonNode examples = schema.path("examples");
    if (examples.isArray() && !examples.isEmpty() && random.nextInt(4) != 0) {
      return examples.get(random.nextInt(examples.size())).asString(); // a value of a shape no pattern says
    }
    if (format.equals("date-time")) {
      return Instant.now().plusSeconds(random.nextInt(3) == 0 ? 3600 : -60).toString();
    }
    String text = pattern.isEmpty() ? pick(List.of("a", "probe text", "ünïcödé ✓", "x".repeat(40)))
        : "g" + Integer.toString(random.nextInt(1 << 20), 36);
    int max = schema.path("maxLength").asInt(Integer.MAX_VALUE);
    return text.length() > max ? text.substring(0, max) : text;
  }

  private static String type(JsonNode schema) {
    JsonNode type = schema.path("type");
    if (type.isString()) {
      return type.asString();
    }
    return type.valueStream().map(JsonNode::asString).filter(t -> !t.equals("null")).findFirst().orElse("any");
  }

  private boolean isNull(JsonNode option) {
    return doc.resolve(option).path("type").asString("").equals("null");
  }

  private <T> T pick(List<T> values) {
    return values.get(random.nextInt(values.size()));
  }
}
