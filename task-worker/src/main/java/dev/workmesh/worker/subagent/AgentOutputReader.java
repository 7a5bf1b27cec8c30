package dev.workmesh.worker.subagent;

import java.util.List;
import java.util.Map;
import java.util.Set;
import tools.jackson.core.JacksonException;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;

/**
 * Reads an agent CLI's stdout in its {@link OutputFormat} into an {@link AgentReport}, and tells a
 * failure of the CLI's configuration (which no retry fixes) from one of the run.
 *
 * <p>Configuration failures are recognised by what the pinned CLIs print: the model API answering
 * 401 or 403, Gemini CLI's exit statuses for authentication (41), input (42), configuration (52) and
 * an untrusted directory (55), and the option parsers' "unknown option" messages. Output that cannot
 * be parsed reads as no report: the exit status alone then decides.
 */
final class AgentOutputReader {

  /** Gemini CLI exit statuses that a retry meets again. */
  private static final Set<Integer> GEMINI_CONFIGURATION_EXITS = Set.of(41, 42, 44, 52, 55);
  /** Lines of a CLI's stderr that say its command line or set-up is wrong. */
  private static final List<String> CONFIGURATION_MESSAGES =
      List.of(
          "error: unknown option", // claude (commander)
          "error: unexpected argument", // codex (clap)
          "error: invalid value", // codex (clap)
          "Unknown argument", // gemini (yargs)
          "Invalid values:", // gemini (yargs)
          "cannot be used with root/sudo privileges", // claude bypassPermissions as root
          "Not inside a trusted directory",
          "not running in a trusted directory",
          "Missing environment variable",
          "Invalid API key",
          "401 Unauthorized",
          "403 Forbidden");

  private AgentOutputReader() {}

  static AgentReport read(OutputFormat format, String stdout, int exitCode, String logTail) {
    AgentReport report =
        switch (format) {
          case TEXT -> AgentReport.NONE;
          case CLAUDE_JSON -> claude(lastJsonObject(stdout));
          case CODEX_JSONL -> codex(stdout);
          // Gemini CLI prints its error object on stderr, and exits with the HTTP status modulo 256.
          case GEMINI_JSON -> gemini(firstNonNull(lastJsonObject(stdout), exitCode == 0 ? null : lastJsonObject(logTail)), exitCode);
        };
    if (exitCode != 0 && !report.configurationFailure() && mentionsConfiguration(logTail)) {
      return new AgentReport(report.message(), report.usage(), report.error(), true);
    }
    return report;
  }

  private static boolean mentionsConfiguration(String text) {
    return text != null && CONFIGURATION_MESSAGES.stream().anyMatch(text::contains);
  }

  private static boolean authenticationStatus(int status) {
    return status == 401 || status == 403;
  }

  // --- Claude Code --------------------------------------------------------------------------------------------

  private static AgentReport claude(JsonNode result) {
    if (result == null || !"result".equals(result.path("type").asString(""))) {
      return AgentReport.NONE;
    }
    String message = result.path("result").isString() ? result.path("result").stringValue() : null;
    boolean isError = result.path("is_error").asBoolean(false);
    JsonNode usage = result.path("usage");
    String model = null;
    long mostOutput = -1;
    for (Map.Entry<String, JsonNode> entry : result.path("modelUsage").properties()) {
      long output = entry.getValue().path("outputTokens").asLong(0);
      if (output > mostOutput) {
        mostOutput = output;
        model = entry.getKey();
      }
    }
    SubagentUsage spent =
        usage.isObject()
            ? new SubagentUsage(
                model,
                usage.path("input_tokens").asLong(0) + usage.path("cache_creation_input_tokens").asLong(0)
                    + usage.path("cache_read_input_tokens").asLong(0),
                usage.path("output_tokens").asLong(0),
                result.path("total_cost_usd").isNumber() ? result.path("total_cost_usd").decimalValue() : null)
            : null;
    String error = isError ? "claude reported an error: " + (message == null ? result.path("subtype").asString("") : message) : null;
    boolean configuration = isError && authenticationStatus(result.path("api_error_status").asInt(0));
    return new AgentReport(isError ? null : message, spent, error, configuration);
  }

  // --- Codex CLI -----------------------------------------------------------------------------------------------

  private static AgentReport codex(String stdout) {
    String message = null;
    String error = null;
    long input = 0;
    long output = 0;
    boolean sawUsage = false;
    for (String line : stdout.split("\n")) {
      JsonNode event = parse(line);
      if (event == null) {
        continue;
      }
      switch (event.path("type").asString("")) {
        case "item.completed" -> {
          JsonNode item = event.path("item");
          if ("agent_message".equals(item.path("type").asString(""))) {
            message = item.path("text").asString("");
          }
        }
        case "turn.completed" -> {
          sawUsage = true;
          input += event.path("usage").path("input_tokens").asLong(0);
          output += event.path("usage").path("output_tokens").asLong(0);
        }
        case "turn.failed" -> error = "codex reported an error: " + event.path("error").path("message").asString("");
        case "error" -> error = error == null ? "codex reported an error: " + event.path("message").asString("") : error;
        default -> {}
      }
    }
    SubagentUsage usage = sawUsage ? new SubagentUsage(null, input, output, null) : null;
    boolean configuration = error != null && mentionsConfiguration(error);
    return new AgentReport(message, usage, error, configuration);
  }

  // --- Gemini CLI ----------------------------------------------------------------------------------------------

  private static AgentReport gemini(JsonNode result, int exitCode) {
    boolean configurationExit = GEMINI_CONFIGURATION_EXITS.contains(exitCode);
    if (result == null) {
      return new AgentReport(null, null, null, configurationExit);
    }
    String message = result.path("response").isString() ? result.path("response").stringValue() : null;
    JsonNode failure = result.path("error");
    String error = failure.isObject() ? "gemini reported an error: " + failure.path("message").asString("") : null;
    boolean configuration = configurationExit || (failure.isObject() && authenticationStatus(failure.path("code").asInt(0)));
    long input = 0;
    long output = 0;
    String model = null;
    JsonNode models = result.path("stats").path("models");
    for (Map.Entry<String, JsonNode> entry : models.properties()) {
      JsonNode tokens = entry.getValue().path("tokens");
      input += tokens.path("prompt").asLong(tokens.path("input").asLong(0));
      output += tokens.path("candidates").asLong(0);
      // The model of the main turn, not the router's or a summariser's.
      if (model == null || entry.getValue().path("roles").has("main")) {
        model = entry.getKey();
      }
    }
    SubagentUsage usage = models.isObject() && !models.isEmpty() ? new SubagentUsage(model, input, output, null) : null;
    return new AgentReport(message, usage, error, configuration);
  }

  // --- JSON ----------------------------------------------------------------------------------------------------

  /** The JSON object that ends {@code stdout}, which may be preceded by lines a CLI printed first. */
  private static JsonNode lastJsonObject(String stdout) {
    String text = stdout == null ? "" : stdout.strip();
    JsonNode whole = parse(text);
    if (whole != null) {
      return whole;
    }
    int start = text.lastIndexOf("\n{");
    return start < 0 ? null : parse(text.substring(start + 1));
  }

  private static JsonNode firstNonNull(JsonNode first, JsonNode second) {
    return first != null ? first : second;
  }

  private static JsonNode parse(String text) {
    String trimmed = text.strip();
    if (!trimmed.startsWith("{")) {
      return null;
    }
    try {
      JsonNode node = JsonMapper.shared().readTree(trimmed);
      return node.isObject() ? node : null;
    } catch (JacksonException e) {
      return null;
    }
  }
}
