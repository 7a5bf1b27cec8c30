package dev.workmesh.mcp.tools;

import io.modelcontextprotocol.spec.McpSchema.Tool;
import io.modelcontextprotocol.spec.McpSchema.ToolAnnotations;

/** Builds a tool's contract from JSON text; a malformed schema fails at start-up, not at the first call. */
final class ToolDefinitions {

  private ToolDefinitions() {}

  enum Effect {
    /** Reads only. */
    READ_ONLY,
    /** Changes state; calling twice with the same arguments has the same effect as once. */
    IDEMPOTENT,
    /** Changes state; calling twice may do it twice. */
    WRITE
  }

  static Tool define(String name, String title, String description, String inputSchema, String outputSchema,
      Effect effect) {
    return Tool.builder()
        .name(name)
        .title(title)
        .description(description)
        .inputSchema(StructuredJson.parse(inputSchema))
        .outputSchema(StructuredJson.parse(outputSchema))
        .annotations(new ToolAnnotations(title, effect == Effect.READ_ONLY, false, effect != Effect.WRITE, false,
            null))
        .build();
  }
}
