package dev.workmesh.testsupport.agents;

import static dev.workmesh.testsupport.agents.ModelStub.INPUT_TOKENS;

import dev.workmesh.testsupport.agents.ModelStub.Failure;
import dev.workmesh.testsupport.agents.ModelStub.ToolTurn;

/** Gemini {@code :countTokens}: every request counts {@link ModelStub#INPUT_TOKENS}. */
final class GeminiCountTokens extends ModelApi {

  private final GeminiGenerateContent generateContent = new GeminiGenerateContent();

  GeminiCountTokens() {
    super((path, body) -> false);
  }

  @Override
  String text(String id, String text, boolean stream) {
    return "{\"totalTokens\":" + INPUT_TOKENS + "}";
  }

  @Override
  String toolCall(String id, ToolTurn tool, String requestBody, boolean stream) {
    return text(id, "", false);
  }

  @Override
  String error(Failure failure) {
    return generateContent.error(failure);
  }
}
