package dev.workmesh.testsupport.agents;

import static org.assertj.core.api.Assertions.assertThat;

import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.util.regex.Pattern;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * The model stub speaks each API in the provider's shapes: a text answer, a tool call until the tool's
 * result comes back, an error; and it records every request.
 */
class ModelStubTest {

  private static final Pattern DIR = Pattern.compile("/tmp/work/[a-z0-9]+");

  private final HttpClient http = HttpClient.newHttpClient();
  private ModelStub stub;

  @BeforeEach
  void start() {
    stub = ModelStub.start()
        .on("REPLY", new ModelStub.Reply("hello \"there\""))
        .on("WRITE", new ModelStub.WriteFile(DIR, "out.txt", "it's here", "written"))
        .on("RUN", new ModelStub.RunCommand(DIR, "ls {dir}", "ran"))
        .on("FAIL", new ModelStub.Failure(401, "bad key"));
  }

  @AfterEach
  void stop() {
    stub.close();
  }

  @Test
  void anthropicMessagesStreamTextAndAskForTheWriteToolUntilItsResultComesBack() throws Exception {
    HttpResponse<String> text = post("/v1/messages", "{\"stream\":true,\"m\":\"REPLY\"}");
    assertThat(text.headers().firstValue("content-type")).contains("text/event-stream");
    assertThat(text.body()).contains("event: message_start", "{\"type\":\"text_delta\",\"text\":\"hello \\\"there\\\"\"}",
        "\"stop_reason\":\"end_turn\"", "\"output_tokens\":" + ModelStub.OUTPUT_TOKENS);

    assertThat(post("/v1/messages", "{\"m\":\"WRITE in /tmp/work/abc1\"}").body())
        .contains("\"name\":\"Write\",\"input\":{\"file_path\":\"/tmp/work/abc1/out.txt\",\"content\":\"it's here\"}");
    assertThat(post("/v1/messages", "{\"m\":\"WRITE in /tmp/work/abc1\",\"type\":\"tool_result\"}").body())
        .contains("{\"type\":\"text\",\"text\":\"written\"}");

    HttpResponse<String> failure = post("/v1/messages", "{\"m\":\"FAIL\"}");
    assertThat(failure.statusCode()).isEqualTo(401);
    assertThat(failure.headers().firstValue("x-should-retry")).contains("false");
    assertThat(failure.body()).contains("\"authentication_error\"", "bad key");
  }

  @Test
  void openAiResponsesStreamTextAndCallTheShellToolCodexOffers() throws Exception {
    assertThat(post("/v1/responses", "{\"m\":\"REPLY\"}").body())
        .contains("event: response.output_text.delta", "\"input_tokens\":" + ModelStub.INPUT_TOKENS);
    assertThat(post("/v1/responses", "{\"m\":\"RUN /tmp/work/abc1\",\"tools\":[{\"name\":\"exec_command\"}]}").body())
        .contains("\"name\":\"exec_command\",\"arguments\":\"{\\\"cmd\\\":\\\"ls /tmp/work/abc1\\\"}\"");
    assertThat(post("/v1/responses", "{\"m\":\"WRITE /tmp/work/abc1\"}").body())
        .contains("\"name\":\"shell\"", "printf '%s' 'it'\\\\\\\\''s here' > '/tmp/work/abc1/out.txt'");
    assertThat(post("/v1/responses", "{\"m\":\"FAIL\"}").body()).contains("\"invalid_api_key\"");
  }

  @Test
  void geminiStreamsChunksCountsTokensAndAnswersSideCallsWithJson() throws Exception {
    assertThat(post("/v1beta/models/m:streamGenerateContent", "{\"m\":\"RUN /tmp/work/abc1\"}").body())
        .startsWith("data: ").contains("\"functionCall\":{\"name\":\"run_shell_command\",\"args\":{\"command\":\"ls /tmp/work/abc1\"");
    assertThat(post("/v1beta/models/m:streamGenerateContent", "{\"m\":\"RUN /tmp/work/abc1\",\"functionResponse\":{}}").body())
        .contains("{\"text\":\"ran\"}");
    assertThat(post("/v1beta/models/m:generateContent", "{\"m\":\"WRITE /tmp/work/abc1\",\"responseMimeType\":\"application/json\"}")
        .body()).startsWith("{\"candidates\"").contains("next_speaker").doesNotContain("functionCall");
    assertThat(post("/v1beta/models/m:countTokens", "{}").body()).isEqualTo("{\"totalTokens\":" + ModelStub.INPUT_TOKENS + "}");
    assertThat(post("/v1beta/models/m:streamGenerateContent", "{\"m\":\"FAIL\"}").body()).contains("\"UNAUTHENTICATED\"");
  }

  @Test
  void everyRequestIsRecordedAndAPathNoApiServesIsNotFound() throws Exception {
    assertThat(post("/v2/elsewhere", "{\"m\":\"REPLY\"}").statusCode()).isEqualTo(404);
    post("/v1/messages", "{\"m\":\"other\"}");

    assertThat(stub.requests()).extracting(ModelStub.RecordedRequest::path).containsExactly("/v2/elsewhere", "/v1/messages");
    assertThat(stub.requestsWith("REPLY")).singleElement().extracting(ModelStub.RecordedRequest::body).isEqualTo("{\"m\":\"REPLY\"}");
  }

  private HttpResponse<String> post(String path, String body) throws Exception {
    return http.send(HttpRequest.newBuilder(URI.create(stub.baseUrl() + path)).POST(HttpRequest.BodyPublishers.ofString(body)).build(),
        HttpResponse.BodyHandlers.ofString());
  }
}
