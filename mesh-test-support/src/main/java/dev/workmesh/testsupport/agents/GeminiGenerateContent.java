package dev.workmesh.testsupport.agents;

import static dev.workmesh.testsupport.agents.ModelApi.json;
import static dev.workmesh.testsupport.agents.ModelStub.INPUT_TOKENS;
import static dev.workmesh.testsupport.agents.ModelStub.MODEL;
import static dev.workmesh.testsupport.agents.ModelStub.OUTPUT_TOKENS;

import dev.workmesh.testsupport.agents.ModelStub.Failure;
import dev.workmesh.testsupport.agents.ModelStub.RunCommand;
import dev.workmesh.testsupport.agents.ModelStub.ToolTurn;
import dev.workmesh.testsupport.agents.ModelStub.WriteFile;

/**
 * Gemini {@code :generateContent} and {@code :streamGenerateContent?alt=sse}, as Gemini CLI calls them;
 * its tools are {@code write_file} and {@code run_shell_command}. Its unstreamed calls are side calls.
 */
final class GeminiGenerateContent extends ModelApi {

  GeminiGenerateContent() {
    super((path, body) -> path.contains(":streamGenerateContent"), "\"functionResponse\"");
  }

  @Override
  boolean sideCall(boolean stream) {
    return !stream;
  }

  @Override
  String text(String id, String text, boolean stream) {
    return chunk("{\"text\":" + json(text) + "}", stream);
  }

  @Override
  String toolCall(String id, ToolTurn tool, String requestBody, boolean stream) {
    if (tool instanceof RunCommand run) {
      return chunk("{\"functionCall\":{\"name\":\"run_shell_command\",\"args\":{\"command\":" + json(run.commandLine(requestBody))
          + ",\"description\":\"Run the command\"}}}", stream);
    }
    WriteFile write = (WriteFile) tool;
    return chunk("{\"functionCall\":{\"name\":\"write_file\",\"args\":{\"file_path\":" + json(write.target(requestBody).toString())
        + ",\"content\":" + json(write.content()) + "}}}", stream);
  }

  private static String chunk(String part, boolean stream) {
    String response = "{\"candidates\":[{\"content\":{\"role\":\"model\",\"parts\":[" + part
        + "]},\"finishReason\":\"STOP\",\"index\":0}],\"usageMetadata\":{\"promptTokenCount\":" + INPUT_TOKENS
        + ",\"candidatesTokenCount\":" + OUTPUT_TOKENS + ",\"totalTokenCount\":" + (INPUT_TOKENS + OUTPUT_TOKENS)
        + "},\"modelVersion\":\"" + MODEL + "\"}";
    return stream ? "data: " + response + "\r\n\r\n" : response;
  }

  @Override
  String error(Failure failure) {
    return "{\"error\":{\"code\":" + failure.status() + ",\"message\":" + json(failure.message()) + ",\"status\":\"UNAUTHENTICATED\"}}";
  }
}
