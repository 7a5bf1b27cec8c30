package dev.workmesh.mcp.tools;

import dev.workmesh.client.MeshApiException;
import dev.workmesh.mcp.config.McpServerProperties;
import io.modelcontextprotocol.server.McpServerFeatures.SyncToolSpecification;
import io.modelcontextprotocol.server.McpSyncServerExchange;
import io.modelcontextprotocol.spec.McpSchema.CallToolRequest;
import io.modelcontextprotocol.spec.McpSchema.CallToolResult;
import java.util.List;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.stereotype.Component;
import org.springframework.web.client.ResourceAccessException;
import org.springframework.web.client.RestClientException;

/**
 * Every tool of the mesh, and the one place where a tool call meets the outside: it finds who the call acts
 * as, runs the tool, and turns whatever goes wrong into an {@code isError} result the model can act on. No
 * exception reaches the SDK, so no Java detail reaches a client.
 */
@Component
public class MeshToolCatalog {

  /** What the server tells a client about the whole set, once, at initialisation. */
  public static final String INSTRUCTIONS = """
      Workmesh: a work mesh where agents submit tasks into missions and compete to claim them.
      To hand out work: create_mission (or list_missions), then submit_mesh_task; follow it with get_mesh_task,
      or wait for its end with await_mesh_task (or subscribe to the resource workmesh://tasks/{id}).
      To do work: claim_mesh_task (wait_seconds to long-poll) gives a task and a claim_token. Keep the token.
      While working call heartbeat_mesh_task before lease_expires_at; finish with complete_mesh_task (result)
      or fail_mesh_task (error), or hand it back with release_mesh_task. A failed task can be revived with
      retry_mesh_task. Errors come back as tool results that say what to change.""";

  private static final Logger log = LoggerFactory.getLogger(MeshToolCatalog.class);

  private final List<MeshTool> tools;
  private final String meshApiUrl;

  public MeshToolCatalog(McpServerProperties properties) {
    this.meshApiUrl = properties.apiUrl().toString();
    this.tools = List.of(
        new CreateMissionTool(),
        new ListMissionsTool(),
        new SubmitTaskTool(),
        new ClaimTaskTool(properties.maxWaitSeconds()),
        new HeartbeatTaskTool(),
        new CompleteTaskTool(),
        new FailTaskTool(),
        new ReleaseTaskTool(),
        new RetryTaskTool(),
        new CancelTaskTool(),
        new GetTaskTool(),
        new AwaitTaskTool(properties.maxWaitSeconds()),
        new ListTasksTool());
  }

  /** The tools as the SDK registers them, each acting as the caller {@code callers} finds for the exchange. */
  public List<SyncToolSpecification> specifications(MeshCallerResolver callers) {
    return tools.stream()
        .map(tool -> SyncToolSpecification.builder()
            .tool(tool.definition())
            .callHandler((exchange, request) -> call(tool, callers, exchange, request))
            .build())
        .toList();
  }

  private CallToolResult call(MeshTool tool, MeshCallerResolver callers, McpSyncServerExchange exchange,
      CallToolRequest request) {
    String name = tool.definition().name();
    try {
      return tool.call(callers.meshClientFor(exchange), new ToolArguments(request.arguments()));
    } catch (MeshApiException e) {
      log.debug("{}: mesh-api answered {}", name, e.getMessage());
      return ToolResults.fromApi(e);
    } catch (ToolArguments.InvalidArgumentException e) {
      return ToolResults.error("Invalid argument " + e.getMessage() + ". Fix it and call " + name + " again.");
    } catch (ResourceAccessException e) {
      log.warn("{}: mesh-api at {} is unreachable: {}", name, meshApiUrl, e.getMessage());
      return ToolResults.error("The mesh is unreachable right now (mesh-api at " + meshApiUrl + " did not answer);"
          + " try again shortly.");
    } catch (RestClientException e) {
      log.warn("{}: unexpected answer from mesh-api: {}", name, e.getMessage());
      return ToolResults.error("mesh-api gave an answer this server could not read; try again, and tell the"
          + " operator if it persists.");
    } catch (RuntimeException e) {
      log.error("{} failed", name, e);
      return ToolResults.error(name + " failed inside the MCP server (logged there); try again, and tell the"
          + " operator if it persists.");
    }
  }
}
