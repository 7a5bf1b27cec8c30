package dev.workmesh.worker.secrets;

import dev.workmesh.worker.secrets.SecretSource.SecretUnavailableException;
import java.util.Map;
import java.util.Optional;
import java.util.function.Consumer;
import java.util.function.Function;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import tools.jackson.core.JacksonException;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;
import tools.jackson.databind.node.ObjectNode;

/**
 * Answers one line of the broker protocol: {@code {"op":"get","session":"…","name":"…"}} gets
 * {@code {"ok":true,"value":"…"}} or {@code {"ok":false,"error":"…"}}. Logs names and attempts,
 * never values.
 */
final class SecretRequestHandler {

  private static final Logger log = LoggerFactory.getLogger(SecretRequestHandler.class);
  private static final JsonMapper json = JsonMapper.shared();

  private final Map<String, SecretSource> sources;
  private final Map<String, String> environment;
  private final Function<String, Optional<String>> attemptOfSession;
  /** Told each value before it is served, so that attempt output masks it. */
  private final Consumer<String> served;

  SecretRequestHandler(
      Map<String, SecretSource> sources,
      Map<String, String> environment,
      Function<String, Optional<String>> attemptOfSession,
      Consumer<String> served) {
    this.sources = sources;
    this.environment = environment;
    this.attemptOfSession = attemptOfSession;
    this.served = served;
  }

  String handle(String line) {
    JsonNode request;
    try {
      request = json.readTree(line);
    } catch (JacksonException e) {
      return refusal("request is not valid JSON; send one object per line like {\"op\":\"get\",\"session\":\"$MESH_SECRETS_SESSION\",\"name\":\"MY_KEY\"}");
    }
    if (request == null || !request.isObject()) {
      return refusal("request must be a JSON object like {\"op\":\"get\",\"session\":\"…\",\"name\":\"…\"}");
    }
    String op = request.path("op").asString("");
    if (!op.equals("get")) {
      return refusal("unknown op '" + op + "': the only op is 'get'");
    }
    String session = request.path("session").asString("");
    Optional<String> attempt = session.isEmpty() ? Optional.empty() : attemptOfSession.apply(session);
    if (attempt.isEmpty()) {
      log.warn("Refused a secret request with an unknown or closed session");
      return refusal("unknown or closed session: use $MESH_SECRETS_SESSION of a running attempt");
    }
    String name = request.path("name").asString("");
    SecretSource source = sources.get(name);
    if (source == null) {
      log.warn("Attempt {} asked for secret '{}', which is not configured on this worker", attempt.get(), name);
      return refusal("no secret named '" + name + "' is configured on this worker");
    }
    try {
      String value = source.resolve(environment);
      served.accept(value);
      log.info("Served secret '{}' to attempt {}", name, attempt.get());
      ObjectNode response = json.createObjectNode().put("ok", true).put("value", value);
      return json.writeValueAsString(response);
    } catch (SecretUnavailableException e) {
      log.warn("Secret '{}' for attempt {} is unavailable: {}", name, attempt.get(), e.getMessage());
      return refusal("secret '" + name + "' is unavailable: " + e.getMessage());
    }
  }

  private static String refusal(String error) {
    return json.writeValueAsString(json.createObjectNode().put("ok", false).put("error", error));
  }
}
