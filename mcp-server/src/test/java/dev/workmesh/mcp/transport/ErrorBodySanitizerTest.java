package dev.workmesh.mcp.transport;

import static org.assertj.core.api.Assertions.assertThat;

import io.modelcontextprotocol.json.McpJsonDefaults;
import io.modelcontextprotocol.spec.McpError;
import io.modelcontextprotocol.spec.McpSchema;
import org.junit.jupiter.api.Test;

/** The SDK's own error bodies, before and after: the reason the sanitizer exists (java-sdk #955). */
class ErrorBodySanitizerTest {

  @Test
  void theSdksSerialisedMcpErrorBecomesCodeAndMessageOnly() throws Exception {
    String raw = McpJsonDefaults.getMapper().writeValueAsString(McpError.builder(McpSchema.ErrorCodes.INVALID_REQUEST)
        .message("Invalid message format: Unexpected character\n at [Source: REDACTED; line: 1, column: 2]").build());
    assertThat(raw).contains("stackTrace");

    String clean = ErrorBodySanitizer.sanitize(raw, 400);
    assertThat(clean).isEqualTo("{\"jsonrpc\":\"2.0\",\"id\":null,\"error\":{\"code\":-32600,"
        + "\"message\":\"Invalid message format: Unexpected character\"}}");
  }

  @Test
  void aBodyThatIsNotJsonFallsBackToTheReasonPhrase() {
    assertThat(ErrorBodySanitizer.sanitize("<html>boom</html>", 500))
        .isEqualTo("{\"jsonrpc\":\"2.0\",\"id\":null,\"error\":{\"code\":-32000,\"message\":\"Internal Server Error\"}}");
  }
}
