package dev.workmesh.testsupport.agents;

import dev.workmesh.testsupport.agents.ModelStub.Failure;
import dev.workmesh.testsupport.agents.ModelStub.ToolTurn;
import java.util.List;
import java.util.function.BiPredicate;

/**
 * One model API the {@link ModelStub} speaks: how a request asks for a stream and carries a tool's
 * result, and the provider's shapes of a text answer, a tool call and an error. Hand-written JSON,
 * because the wire shapes are fixed strings and this library carries no JSON dependency.
 */
abstract class ModelApi {

  private static final ModelApi ANTHROPIC = new AnthropicMessages();
  private static final ModelApi OPENAI = new OpenAiResponses();
  private static final ModelApi GEMINI = new GeminiGenerateContent();
  private static final ModelApi GEMINI_COUNT = new GeminiCountTokens();

  private final BiPredicate<String, String> streams;
  private final List<String> toolResultMarkers;

  /**
   * @param streams whether a request (path, body) asks for a streamed answer
   * @param toolResultMarkers what a request body contains when it carries a tool's result
   */
  ModelApi(BiPredicate<String, String> streams, String... toolResultMarkers) {
    this.streams = streams;
    this.toolResultMarkers = List.of(toolResultMarkers);
  }

  /** The API a request path belongs to; null when the stub does not serve it. */
  static ModelApi of(String path) {
    if (path.endsWith("/messages")) {
      return ANTHROPIC;
    }
    if (path.endsWith("/responses")) {
      return OPENAI;
    }
    if (path.contains(":streamGenerateContent") || path.contains(":generateContent")) {
      return GEMINI;
    }
    if (path.contains(":countTokens")) {
      return GEMINI_COUNT;
    }
    return null;
  }

  final boolean hasToolResult(String body) {
    return toolResultMarkers.stream().anyMatch(body::contains);
  }

  final boolean streams(String path, String body) {
    return streams.test(path, body);
  }

  /**
   * Whether the request is one of the CLI's side calls (routing, checks) rather than a turn of the
   * conversation: it never gets a tool call.
   */
  boolean sideCall(boolean stream) {
    return false;
  }

  abstract String text(String id, String text, boolean stream);

  abstract String toolCall(String id, ToolTurn tool, String requestBody, boolean stream);

  abstract String error(Failure failure);

  /** Appends one server-sent event. */
  static void event(StringBuilder sse, String name, String data) {
    sse.append("event: ").append(name).append('\n').append("data: ").append(data).append("\n\n");
  }

  static String shellQuote(String value) {
    return "'" + value.replace("'", "'\\''") + "'";
  }

  /** A JSON string literal. */
  static String json(String value) {
    StringBuilder out = new StringBuilder(value.length() + 2).append('"');
    for (int i = 0; i < value.length(); i++) {
      char c = value.charAt(i);
      switch (c) {
        case '"' -> out.append("\\\"");
        case '\\' -> out.append("\\\\");
        case '\n' -> out.append("\\n");
        case '\r' -> out.append("\\r");
        case '\t' -> out.append("\\t");
        default -> {
          if (c < 0x20) {
            out.append(String.format("\\u%04x", (int) c));
          } else {
            out.append(c);
          }
        }
      }
    }
    return out.append('"').toString();
  }
}
