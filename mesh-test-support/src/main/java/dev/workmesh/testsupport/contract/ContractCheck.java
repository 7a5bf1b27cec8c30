package dev.workmesh.testsupport.contract;

import dev.workmesh.testsupport.contract.OpenApiDocument.Operation;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import tools.jackson.core.JacksonException;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;
import tools.jackson.databind.node.JsonNodeFactory;

/**
 * Holds one exchange to the document: the response must be one the operation documents (status, media
 * type, body schema), and a request the document refuses must not be accepted (no 2xx). The document may
 * be looser than the server (a request it allows may still get a 4xx the server explains), never stricter
 * and never silent about a status or a field the server answers with.
 */
public final class ContractCheck {

  private static final JsonMapper JSON = JsonMapper.builder()
      .enable(tools.jackson.core.StreamReadFeature.STRICT_DUPLICATE_DETECTION)
      .enable(tools.jackson.databind.DeserializationFeature.USE_BIG_DECIMAL_FOR_FLOATS).build();

  private final OpenApiDocument doc;

  public ContractCheck(OpenApiDocument doc) {
    this.doc = doc;
  }

  /** What is wrong with this exchange, one line each; empty when it keeps to the document. */
  public List<String> violations(Exchange x) {
    List<String> out = new ArrayList<>();
    Optional<Operation> found = doc.find(x.method(), x.path());
    if (found.isEmpty()) {
      if (x.status() < 400) {
        out.add(x.describe() + ": the server answered an operation the document does not have");
      }
      return out;
    }
    Operation op = found.get();
    List<String> requestProblems = requestViolations(op, x);
    if (x.status() >= 200 && x.status() < 300 && !requestProblems.isEmpty()) {
      out.add(x.describe() + " (" + op.id() + "): the server accepted a request the document refuses: "
          + requestProblems);
    }
    out.addAll(responseViolations(op, x).stream().map(v -> x.describe() + " (" + op.id() + "): " + v).toList());
    return out;
  }

  /** Why the document refuses this request; empty when it allows it. */
  public List<String> requestViolations(Operation op, Exchange x) {
    List<String> out = new ArrayList<>();
    Map<String, String> pathValues = OpenApiDocument.pathValues(op.template(), x.path());
    for (JsonNode p : op.parameters(doc)) {
      String name = p.path("name").asString();
      String in = p.path("in").asString();
      List<String> values = switch (in) {
        case "path" -> pathValues.containsKey(name) ? List.of(pathValues.get(name)) : List.of();
        case "query" -> x.query().getOrDefault(name, List.of());
        default -> List.of(); // headers are the server's to judge
      };
      if (values.isEmpty() && p.path("required").asBoolean(false)) {
        out.add(in + " parameter " + name + " is required");
      }
      if (!values.isEmpty()) { // a repeated parameter is read by its first value, as Spring binds a scalar
        JsonNode schema = doc.resolve(p.path("schema"));
        out.addAll(doc.validate(p.path("schema"), typed(values.getFirst(), schema)).stream()
            .map(e -> name + " " + e).toList());
      }
    }
    JsonNode body = op.definition().path("requestBody");
    boolean hasBody = x.requestBody() != null && x.requestBody().length > 0;
    if (!body.isMissingNode()) {
      if (!hasBody) {
        if (body.path("required").asBoolean(false)) {
          out.add("the body is required");
        }
        return out;
      }
      JsonNode media = body.path("content").path(mediaType(x.requestContentType()));
      if (media.isMissingNode()) {
        out.add("the body's media type " + x.requestContentType() + " is not one of " + body.path("content").propertyNames());
        return out;
      }
      JsonNode json;
      try {
        json = JSON.readTree(x.requestBody());
      } catch (JacksonException e) {
        out.add("the body is not JSON: " + e.getOriginalMessage());
        return out;
      }
      try {
        out.addAll(doc.validate(media.path("schema"), json));
      } catch (JacksonException e) { // a number beyond 64 bits against a bound
        out.add("a value is out of every documented range: " + e.getOriginalMessage());
      }
    }
    return out;
  }

  private List<String> responseViolations(Operation op, Exchange x) {
    List<String> out = new ArrayList<>();
    Optional<JsonNode> documented = doc.response(op, x.status());
    if (documented.isEmpty()) {
      out.add("status " + x.status() + " is not documented (documented: "
          + op.definition().path("responses").propertyNames() + ")");
      return out;
    }
    JsonNode content = documented.get().path("content");
    if (content.isMissingNode()) {
      if (x.responseBody() != null && x.responseBody().length > 0) {
        out.add("the document says no body, the server sent " + x.responseBody().length + " bytes");
      }
      return out;
    }
    String type = mediaType(x.responseContentType());
    JsonNode media = content.path(type);
    if (media.isMissingNode()) {
      out.add("media type " + x.responseContentType() + " is not documented (documented: " + content.propertyNames() + ")");
      return out;
    }
    if (x.responseBody() == null || !type.endsWith("json")) {
      return out; // a stream, described in words
    }
    try {
      out.addAll(doc.validate(media.path("schema"), JSON.readTree(x.responseBody())));
    } catch (JacksonException e) {
      out.add("the body is not JSON: " + e.getOriginalMessage());
    }
    return out;
  }

  /** A query or path value as the JSON its schema expects, or the string when it is not one. */
  private static JsonNode typed(String value, JsonNode schema) {
    String type = schema.path("type").asString("");
    if (type.equals("integer")) {
      try {
        return JsonNodeFactory.instance.numberNode(new java.math.BigInteger(value));
      } catch (NumberFormatException e) {
        return JsonNodeFactory.instance.stringNode(value);
      }
    }
    return JsonNodeFactory.instance.stringNode(value);
  }

  static String mediaType(String contentType) {
    if (contentType == null) {
      return "";
    }
    int semi = contentType.indexOf(';');
    return (semi < 0 ? contentType : contentType.substring(0, semi)).strip().toLowerCase(Locale.ROOT);
  }
}
