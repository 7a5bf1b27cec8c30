package dev.workmesh.worker.subagent;

import static org.assertj.core.api.Assertions.assertThat;

import java.math.BigDecimal;
import org.junit.jupiter.api.Test;

/** Result, usage and configuration failures from what the pinned CLIs print (trimmed from real runs). */
class AgentOutputReaderTest {

  @Test
  void claudeCodesResultCarriesTheFinalMessageTokensModelAndCost() {
    String stdout = """
        {"type":"result","subtype":"success","is_error":false,"result":"DONE-FINAL","total_cost_usd":0.012112,
         "usage":{"input_tokens":2468,"cache_creation_input_tokens":10,"cache_read_input_tokens":5,"output_tokens":112},
         "modelUsage":{"claude-haiku":{"outputTokens":3},"claude-opus-5-5":{"outputTokens":112}}}
        """;

    AgentReport report = AgentOutputReader.read(OutputFormat.CLAUDE_JSON, stdout, 0, "");

    assertThat(report.message()).isEqualTo("DONE-FINAL");
    assertThat(report.error()).isNull();
    assertThat(report.usage()).isEqualTo(new SubagentUsage("claude-opus-5-5", 2483, 112, new BigDecimal("0.012112")));
  }

  @Test
  void claudeCodesErrorIsAFailureAndAnInvalidKeyIsNotRetryable() {
    String stdout = """
        {"type":"result","subtype":"success","is_error":true,"api_error_status":401,
         "result":"Invalid API key · Fix external API key","total_cost_usd":0,"usage":{"input_tokens":0,"output_tokens":0},"modelUsage":{}}
        """;

    AgentReport report = AgentOutputReader.read(OutputFormat.CLAUDE_JSON, stdout, 1, "");

    assertThat(report.error()).isEqualTo("claude reported an error: Invalid API key · Fix external API key");
    assertThat(report.message()).isNull();
    assertThat(report.configurationFailure()).isTrue();
  }

  @Test
  void codexsLastAgentMessageIsTheResultAndItsTurnsTheUsage() {
    String stdout = """
        {"type":"thread.started","thread_id":"t"}
        {"type":"turn.started"}
        {"type":"item.completed","item":{"id":"item_1","type":"command_execution","command":"printf x","exit_code":0}}
        {"type":"item.completed","item":{"id":"item_2","type":"agent_message","text":"DONE-FINAL"}}
        {"type":"turn.completed","usage":{"input_tokens":2468,"cached_input_tokens":0,"output_tokens":112}}
        """;

    AgentReport report = AgentOutputReader.read(OutputFormat.CODEX_JSONL, stdout, 0, "");

    assertThat(report.message()).isEqualTo("DONE-FINAL");
    assertThat(report.usage()).isEqualTo(new SubagentUsage(null, 2468, 112, null));
  }

  @Test
  void codexRefusedByTheModelApiForItsKeyIsNotRetryable() {
    String stdout = """
        {"type":"error","message":"Reconnecting... 1/5 (unexpected status 401 Unauthorized: invalid x-api-key)"}
        {"type":"turn.failed","error":{"message":"unexpected status 401 Unauthorized: invalid x-api-key"}}
        """;

    AgentReport report = AgentOutputReader.read(OutputFormat.CODEX_JSONL, stdout, 1, "");

    assertThat(report.error()).isEqualTo("codex reported an error: unexpected status 401 Unauthorized: invalid x-api-key");
    assertThat(report.configurationFailure()).isTrue();
  }

  @Test
  void geminisResponseIsTheResultAndTheMainModelNamesTheUsage() {
    String stdout = """
        {"session_id":"s","response":"DONE-FINAL","stats":{"models":{
          "gemini-flash-lite":{"tokens":{"prompt":100,"candidates":5},"roles":{"utility_router":{}}},
          "gemini-pro":{"tokens":{"prompt":2468,"candidates":112},"roles":{"main":{}}}}}}
        """;

    AgentReport report = AgentOutputReader.read(OutputFormat.GEMINI_JSON, stdout, 0, "");

    assertThat(report.message()).isEqualTo("DONE-FINAL");
    assertThat(report.usage()).isEqualTo(new SubagentUsage("gemini-pro", 2568, 117, null));
  }

  @Test
  void geminisAuthenticationAndTrustExitsAreNotRetryable() {
    String invalidAuth = """
        {"session_id":"s","error":{"type":"Error","message":"Invalid auth method selected.","code":41}}
        """;
    assertThat(AgentOutputReader.read(OutputFormat.GEMINI_JSON, invalidAuth, 41, "").configurationFailure()).isTrue();
    assertThat(AgentOutputReader.read(OutputFormat.GEMINI_JSON, "", 55, "Gemini CLI is not running in a trusted directory")
        .configurationFailure()).isTrue();
    assertThat(AgentOutputReader.read(OutputFormat.GEMINI_JSON, "", 1, "a model call timed out").configurationFailure()).isFalse();
  }

  @Test
  void geminisErrorOnStderrAfterARefusedKeyIsNotRetryable() {
    String stderr = """
        Error when talking to Gemini API ... {
          status: 401
        }
        {
          "session_id": "s",
          "error": {
            "type": "Error",
            "message": "{\\"error\\":{\\"code\\":401,\\"message\\":\\"invalid x-api-key\\"}}",
            "code": 401
          }
        }
        """;

    AgentReport report = AgentOutputReader.read(OutputFormat.GEMINI_JSON, "", 145, stderr);

    assertThat(report.error()).startsWith("gemini reported an error: ").contains("invalid x-api-key");
    assertThat(report.configurationFailure()).isTrue();
  }

  @Test
  void anUnknownFlagIsAConfigurationFailureOfAnyAgentCli() {
    assertThat(AgentOutputReader.read(OutputFormat.CLAUDE_JSON, "", 1, "error: unknown option '--bogus'").configurationFailure())
        .isTrue();
    assertThat(AgentOutputReader.read(OutputFormat.CODEX_JSONL, "", 2, "error: unexpected argument '--bogus' found")
        .configurationFailure()).isTrue();
  }
}
