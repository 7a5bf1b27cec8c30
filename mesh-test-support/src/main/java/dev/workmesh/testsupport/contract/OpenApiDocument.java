package dev.workmesh.testsupport.contract;

import com.networknt.schema.Error;
import com.networknt.schema.Schema;
import com.networknt.schema.SchemaRegistry;
import com.networknt.schema.SchemaRegistryConfig;
import com.networknt.schema.dialect.Dialects;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.node.JsonNodeFactory;
import tools.jackson.databind.node.ObjectNode;
import tools.jackson.dataformat.yaml.YAMLMapper;

/**
 * A service's OpenAPI 3.1 document, read from the classpath, with the checks the tests hold the server to:
 * which operation a request is, whether a request or a response matches what the document says. Schemas
 * are checked with networknt's JSON Schema validator in its OpenAPI 3.1 dialect (JSON Schema 2020-12),
 * formats asserted.
 */
public final class OpenApiDocument {

  private static final Map<String, OpenApiDocument> LOADED = new ConcurrentHashMap<>();

  private final JsonNode root;
  private final List<Operation> operations;
  private final SchemaRegistry registry;
  private final Map<JsonNode, Schema> compiled = new ConcurrentHashMap<>();

  /** One operation of the document: its method, path template and definition. */
  public record Operation(String method, String template, JsonNode definition, JsonNode pathItem) {

    public String id() {
      return definition.path("operationId").asString();
    }

    /** The path, query and header parameters, the path item's and the operation's. */
    public List<JsonNode> parameters(OpenApiDocument doc) {
      List<JsonNode> out = new ArrayList<>();
      for (JsonNode p : pathItem.path("parameters")) {
        out.add(doc.resolve(p));
      }
      for (JsonNode p : definition.path("parameters")) {
        out.add(doc.resolve(p));
      }
      return out;
    }
  }

  private OpenApiDocument(JsonNode root) {
    this.root = root;
    List<Operation> ops = new ArrayList<>();
    for (var path : root.path("paths").properties()) {
      for (var op : path.getValue().properties()) {
        if (!op.getKey().equals("parameters")) {
          ops.add(new Operation(op.getKey().toUpperCase(Locale.ROOT), path.getKey(), op.getValue(), path.getValue()));
        }
      }
    }
    this.operations = List.copyOf(ops);
    this.registry = SchemaRegistry.withDefaultDialect(Dialects.getOpenApi31(),
        b -> b.schemaRegistryConfig(SchemaRegistryConfig.builder().formatAssertionsEnabled(true).build()));
  }

  /** The document at a classpath resource such as {@code /openapi/mesh-api.yaml}, read once per JVM. */
  public static OpenApiDocument load(String resource) {
    return LOADED.computeIfAbsent(resource, OpenApiDocument::read);
  }

  private static OpenApiDocument read(String resource) {
    try (InputStream in = OpenApiDocument.class.getResourceAsStream(resource)) {
      if (in == null) {
        throw new IllegalStateException(resource + " is not on the classpath");
      }
      return new OpenApiDocument(new YAMLMapper().readTree(in));
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  public JsonNode root() {
    return root;
  }

  public List<Operation> operations() {
    return operations;
  }

  /** The operation a method and concrete path (no query) are, if the document has it. */
  public Optional<Operation> find(String method, String path) {
    String[] segments = path.split("/", -1);
    return operations.stream()
        .filter(o -> o.method().equals(method.toUpperCase(Locale.ROOT)) && matches(o.template(), segments))
        .findFirst();
  }

  /** The values of the path template's parameters in a concrete path. */
  public static Map<String, String> pathValues(String template, String path) {
    String[] t = template.split("/", -1);
    String[] p = path.split("/", -1);
    Map<String, String> out = new LinkedHashMap<>();
    for (int i = 0; i < t.length && i < p.length; i++) {
      if (t[i].startsWith("{")) {
        out.put(t[i].substring(1, t[i].length() - 1), java.net.URLDecoder.decode(p[i],
            java.nio.charset.StandardCharsets.UTF_8));
      }
    }
    return out;
  }

  private static boolean matches(String template, String[] segments) {
    String[] t = template.split("/", -1);
    if (t.length != segments.length) {
      return false;
    }
    for (int i = 0; i < t.length; i++) {
      if (!(t[i].startsWith("{") ? !segments[i].isEmpty() : t[i].equals(segments[i]))) {
        return false;
      }
    }
    return true;
  }

  /** Follows a local {@code $ref} (to a parameter, response or schema); other nodes are returned as they are. */
  public JsonNode resolve(JsonNode node) {
    JsonNode current = node;
    while (current.has("$ref") && current.get("$ref").asString().startsWith("#/")) {
      current = root.at(current.get("$ref").asString().substring(1));
    }
    return current;
  }

  /** The documented response of an operation for a status, if the document has one. */
  public Optional<JsonNode> response(Operation op, int status) {
    JsonNode r = op.definition().path("responses").path(Integer.toString(status));
    return r.isMissingNode() ? Optional.empty() : Optional.of(resolve(r));
  }

  /** Errors of {@code value} against {@code schema}, a schema node of this document (its $refs resolve here). */
  public List<String> validate(JsonNode schema, JsonNode value) {
    Schema s = compiled.computeIfAbsent(schema, this::compile);
    List<String> out = new ArrayList<>();
    for (Error e : s.validate(value)) {
      out.add(e.getInstanceLocation() + ": " + e.getMessage());
    }
    return out;
  }

  /** A schema with the document's components beside it, so that "#/components/..." resolves as in the document. */
  private Schema compile(JsonNode schema) {
    ObjectNode withComponents = JsonNodeFactory.instance.objectNode();
    if (schema.isObject()) {
      for (Iterator<Map.Entry<String, JsonNode>> it = schema.properties().iterator(); it.hasNext(); ) {
        var e = it.next();
        withComponents.set(e.getKey(), e.getValue());
      }
    } else {
      withComponents.set("allOf", JsonNodeFactory.instance.arrayNode().add(schema));
    }
    withComponents.set("components", root.path("components"));
    return registry.getSchema(withComponents);
  }
}
