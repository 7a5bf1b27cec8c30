package dev.workmesh.testsupport.agents;

import static dev.workmesh.testsupport.agents.ModelApi.event;
import static dev.workmesh.testsupport.agents.ModelApi.json;
import static dev.workmesh.testsupport.agents.ModelApi.shellQuote;
import static dev.workmesh.testsupport.agents.ModelStub.INPUT_TOKENS;
import static dev.workmesh.testsupport.agents.ModelStub.MODEL;
import static dev.workmesh.testsupport.agents.ModelStub.OUTPUT_TOKENS;

import dev.workmesh.testsupport.agents.ModelStub.Failure;
import dev.workmesh.testsupport.agents.ModelStub.RunCommand;
import dev.workmesh.testsupport.agents.ModelStub.ToolTurn;
import dev.workmesh.testsupport.agents.ModelStub.WriteFile;

/** OpenAI Responses ({@code POST /v1/responses}), as Codex CLI calls it, always streamed; its tool is a shell. */
final class OpenAiResponses extends ModelApi {

  OpenAiResponses() {
    super((path, body) -> !body.contains("\"stream\":false"), "\"function_call_output\"", "\"custom_tool_call_output\"");
  }

  @Override
  String text(String id, String text, boolean stream) {
    String item = "{\"type\":\"message\",\"role\":\"assistant\",\"id\":\"msg_" + id
        + "\",\"content\":[{\"type\":\"output_text\",\"text\":" + json(text) + ",\"annotations\":[]}]}";
    return stream(id, item, "{\"type\":\"response.output_text.delta\",\"item_id\":\"msg_" + id
        + "\",\"output_index\":0,\"content_index\":0,\"delta\":" + json(text) + "}");
  }

  @Override
  String toolCall(String id, ToolTurn tool, String requestBody, boolean stream) {
    // Codex's shell tools take the command as an argv array ("shell") or a string ("shell_command", "exec_command").
    String script = tool instanceof WriteFile write
        ? "printf '%s' " + shellQuote(write.content()) + " > " + shellQuote(write.target(requestBody).toString())
        : ((RunCommand) tool).commandLine(requestBody);
    String name;
    String arguments;
    if (requestBody.contains("\"name\":\"shell_command\"")) {
      name = "shell_command";
      arguments = "{\"command\":" + json(script) + "}";
    } else if (requestBody.contains("\"name\":\"exec_command\"")) {
      name = "exec_command";
      arguments = "{\"cmd\":" + json(script) + "}";
    } else {
      name = "shell";
      arguments = "{\"command\":[\"bash\",\"-c\"," + json(script) + "]}";
    }
    String item = "{\"type\":\"function_call\",\"id\":\"fc_" + id + "\",\"call_id\":\"call_" + id + "\",\"name\":\"" + name
        + "\",\"arguments\":" + json(arguments) + "}";
    return stream(id, item, null);
  }

  private static String stream(String id, String item, String delta) {
    StringBuilder sse = new StringBuilder();
    event(sse, "response.created", "{\"type\":\"response.created\",\"response\":{\"id\":\"resp_" + id + "\"}}");
    event(sse, "response.output_item.added", "{\"type\":\"response.output_item.added\",\"output_index\":0,\"item\":" + item + "}");
    if (delta != null) {
      event(sse, "response.output_text.delta", delta);
    }
    event(sse, "response.output_item.done", "{\"type\":\"response.output_item.done\",\"output_index\":0,\"item\":" + item + "}");
    event(sse, "response.completed", "{\"type\":\"response.completed\",\"response\":{\"id\":\"resp_" + id + "\",\"model\":\"" + MODEL
        + "\",\"usage\":{\"input_tokens\":" + INPUT_TOKENS + ",\"input_tokens_details\":{\"cached_tokens\":0},\"output_tokens\":"
        + OUTPUT_TOKENS + ",\"output_tokens_details\":{\"reasoning_tokens\":0},\"total_tokens\":" + (INPUT_TOKENS + OUTPUT_TOKENS) + "}}}");
    return sse.toString();
  }

  @Override
  String error(Failure failure) {
    return "{\"error\":{\"message\":" + json(failure.message()) + ",\"type\":\"invalid_request_error\",\"code\":\"invalid_api_key\"}}";
  }
}
