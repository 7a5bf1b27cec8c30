package dev.workmesh.testsupport.agents;

import static dev.workmesh.testsupport.agents.ModelApi.event;
import static dev.workmesh.testsupport.agents.ModelApi.json;
import static dev.workmesh.testsupport.agents.ModelStub.INPUT_TOKENS;
import static dev.workmesh.testsupport.agents.ModelStub.MODEL;
import static dev.workmesh.testsupport.agents.ModelStub.OUTPUT_TOKENS;

import dev.workmesh.testsupport.agents.ModelStub.Failure;
import dev.workmesh.testsupport.agents.ModelStub.RunCommand;
import dev.workmesh.testsupport.agents.ModelStub.ToolTurn;
import dev.workmesh.testsupport.agents.ModelStub.WriteFile;

/** Anthropic Messages ({@code POST /v1/messages}), as Claude Code calls it; its tools are {@code Write} and {@code Bash}. */
final class AnthropicMessages extends ModelApi {

  AnthropicMessages() {
    super((path, body) -> body.contains("\"stream\":true"), "\"tool_result\"");
  }

  @Override
  String text(String id, String text, boolean stream) {
    String block = "{\"type\":\"text\",\"text\":" + json(text) + "}";
    return stream ? stream(id, "end_turn", "{\"type\":\"text\",\"text\":\"\"}", "{\"type\":\"text_delta\",\"text\":" + json(text) + "}")
        : message(id, "end_turn", block);
  }

  @Override
  String toolCall(String id, ToolTurn tool, String requestBody, boolean stream) {
    String name;
    String input;
    if (tool instanceof WriteFile write) {
      name = "Write";
      input = "{\"file_path\":" + json(write.target(requestBody).toString()) + ",\"content\":" + json(write.content()) + "}";
    } else {
      name = "Bash";
      input = "{\"command\":" + json(((RunCommand) tool).commandLine(requestBody)) + ",\"description\":\"Run the command\"}";
    }
    String start = "{\"type\":\"tool_use\",\"id\":\"toolu_" + id + "\",\"name\":\"" + name + "\",\"input\":{}}";
    return stream ? stream(id, "tool_use", start, "{\"type\":\"input_json_delta\",\"partial_json\":" + json(input) + "}")
        : message(id, "tool_use", "{\"type\":\"tool_use\",\"id\":\"toolu_" + id + "\",\"name\":\"" + name + "\",\"input\":" + input + "}");
  }

  private static String message(String id, String stopReason, String block) {
    return "{\"id\":\"msg_" + id + "\",\"type\":\"message\",\"role\":\"assistant\",\"model\":\"" + MODEL + "\",\"content\":[" + block
        + "],\"stop_reason\":\"" + stopReason + "\",\"stop_sequence\":null,\"usage\":{\"input_tokens\":" + INPUT_TOKENS
        + ",\"output_tokens\":" + OUTPUT_TOKENS + "}}";
  }

  private static String stream(String id, String stopReason, String blockStart, String delta) {
    StringBuilder sse = new StringBuilder();
    event(sse, "message_start", "{\"type\":\"message_start\",\"message\":{\"id\":\"msg_" + id
        + "\",\"type\":\"message\",\"role\":\"assistant\",\"model\":\"" + MODEL
        + "\",\"content\":[],\"stop_reason\":null,\"stop_sequence\":null,\"usage\":{\"input_tokens\":" + INPUT_TOKENS
        + ",\"output_tokens\":1}}}");
    event(sse, "content_block_start", "{\"type\":\"content_block_start\",\"index\":0,\"content_block\":" + blockStart + "}");
    event(sse, "content_block_delta", "{\"type\":\"content_block_delta\",\"index\":0,\"delta\":" + delta + "}");
    event(sse, "content_block_stop", "{\"type\":\"content_block_stop\",\"index\":0}");
    event(sse, "message_delta", "{\"type\":\"message_delta\",\"delta\":{\"stop_reason\":\"" + stopReason
        + "\",\"stop_sequence\":null},\"usage\":{\"output_tokens\":" + OUTPUT_TOKENS + "}}");
    event(sse, "message_stop", "{\"type\":\"message_stop\"}");
    return sse.toString();
  }

  @Override
  String error(Failure failure) {
    return "{\"type\":\"error\",\"error\":{\"type\":\"authentication_error\",\"message\":" + json(failure.message()) + "}}";
  }
}
