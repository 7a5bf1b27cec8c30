package dev.workmesh.mcp.tools;

import dev.workmesh.client.MeshApiException;
import dev.workmesh.client.model.Problem;
import dev.workmesh.client.model.TaskView;
import io.modelcontextprotocol.spec.McpSchema.CallToolResult;
import io.modelcontextprotocol.spec.McpSchema.TextContent;
import java.util.List;
import java.util.Map;

/**
 * The two shapes of a tool result. Success: {@code structuredContent} (matching the tool's output schema)
 * plus text content for clients that show only text: a one-line summary, then the same JSON. Failure:
 * {@code isError: true} with a message that says what to change, so that the model can correct the call.
 */
public final class ToolResults {

  private ToolResults() {}

  public static CallToolResult ok(String summary, Map<String, Object> structured) {
    return CallToolResult.builder()
        .content(List.of(new TextContent(summary), new TextContent(StructuredJson.write(structured))))
        .structuredContent(structured)
        .isError(false)
        .build();
  }

  /** The answer of a tool that acted on one task: the summary, and the task in full under {@code task}. */
  static CallToolResult ofTask(String summary, TaskView task) {
    return ok(summary, Map.of("task", TaskViews.whole(task)));
  }

  public static CallToolResult error(String message) {
    return CallToolResult.builder().content(List.of(new TextContent(message))).isError(true).build();
  }

  /** mesh-api's problem, its field errors, and what the status means for the caller. */
  public static CallToolResult fromApi(MeshApiException e) {
    Problem problem = e.problem();
    StringBuilder text = new StringBuilder("mesh-api refused the call (HTTP ").append(e.status());
    if (problem != null && problem.title() != null) {
      text.append(' ').append(problem.title());
    }
    text.append(')');
    List<Problem.FieldError> errors = problem == null || problem.errors() == null ? List.of() : problem.errors();
    String detail = problem == null ? null : problem.detail();
    // mesh-api's detail of a 400 restates its field errors; list those instead, one per line.
    if (errors.isEmpty() && detail != null && !detail.isBlank()) {
      text.append(": ").append(detail);
    } else if (!errors.isEmpty()) {
      text.append(':');
    }
    for (Problem.FieldError error : errors) {
      text.append("\n- ").append(error.field()).append(": ").append(error.message());
    }
    String hint = switch (e.status()) {
      case 400 -> "Fix the arguments named above and call again.";
      case 401 -> "The token this MCP connection uses was rejected (wrong, or its agent was revoked); ask the"
          + " operator for a valid agent token.";
      case 403 -> "This token may not do that; agents act only as themselves.";
      case 404 -> "Check the id; list_missions, list_mesh_tasks and get_mesh_task show what exists.";
      case 409 -> "The request conflicts with the task's current state. If it was about a claim, the claim is no"
          + " longer yours (lease lapsed, released, cancelled or already reported): stop working on that task"
          + " and do not report on it again with this claim_token.";
      case 429 -> "Too many requests: wait a little before calling again.";
      default -> e.status() >= 500 ? "The mesh failed on its side; try again shortly." : null;
    };
    if (hint != null) {
      text.append("\n").append(hint);
    }
    return error(text.toString());
  }
}
