package dev.workmesh.mcp.resources;

import dev.workmesh.client.MeshApiException;
import dev.workmesh.client.MeshClient;
import dev.workmesh.client.model.Page;
import dev.workmesh.client.model.MissionView;
import dev.workmesh.mcp.tools.MeshCallerResolver;
import dev.workmesh.mcp.tools.StructuredJson;
import io.modelcontextprotocol.server.McpServerFeatures.SyncResourceSpecification;
import io.modelcontextprotocol.server.McpServerFeatures.SyncResourceTemplateSpecification;
import io.modelcontextprotocol.spec.McpError;
import io.modelcontextprotocol.spec.McpSchema;
import io.modelcontextprotocol.spec.McpSchema.ReadResourceResult;
import io.modelcontextprotocol.spec.McpSchema.Resource;
import io.modelcontextprotocol.spec.McpSchema.ResourceTemplate;
import io.modelcontextprotocol.spec.McpSchema.TextResourceContents;
import java.util.List;
import java.util.Map;
import java.util.function.Function;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.web.client.RestClientException;

/**
 * Tasks and missions as MCP resources, read as the caller (mesh-api decides what its token may read):
 * {@code workmesh://missions} (the first page of missions), and the templates {@code workmesh://tasks/{id}}
 * and {@code workmesh://missions/{id}}. Each reads as the JSON that get_mesh_task and list_missions give.
 * A resource that does not exist, or that the caller's token may not read, is -32002 (resource not found);
 * an id that is not a UUID is -32602.
 */
public final class MeshResources {

  private static final Logger log = LoggerFactory.getLogger(MeshResources.class);
  private static final String JSON = "application/json";
  /** The MCP error code for a resource that is not there. */
  static final int RESOURCE_NOT_FOUND = -32002;

  private MeshResources() {}

  public static List<SyncResourceSpecification> resources(MeshCallerResolver callers) {
    Resource missions = Resource.builder(WorkmeshUri.MISSIONS, "missions")
        .title("Missions")
        .description("The missions this token can see, oldest first (the first 100), with their task counts.")
        .mimeType(JSON)
        .build();
    return List.of(new SyncResourceSpecification(missions, (exchange, request) -> read(request.uri(),
        callers.meshClientFor(exchange), mesh -> {
          Page<MissionView> page = mesh.missions(null, 100);
          return Map.of("missions", page.items().stream().map(StructuredJson::object).toList());
        })));
  }

  public static List<SyncResourceTemplateSpecification> templates(MeshCallerResolver callers) {
    ResourceTemplate task = ResourceTemplate.builder(WorkmeshUri.TASK_TEMPLATE, "task")
        .title("A mesh task")
        .description("One task in full: status, result or error, and its attempts. Subscribe to hear when it ends.")
        .mimeType(JSON)
        .build();
    ResourceTemplate mission = ResourceTemplate.builder(WorkmeshUri.MISSION_TEMPLATE, "mission")
        .title("A mission")
        .description("One mission with its task counts by status, budget and spending.")
        .mimeType(JSON)
        .build();
    return List.of(
        new SyncResourceTemplateSpecification(task, (exchange, request) -> read(request.uri(),
            callers.meshClientFor(exchange),
            mesh -> StructuredJson.object(mesh.task(WorkmeshUri.taskId(request.uri()))))),
        new SyncResourceTemplateSpecification(mission, (exchange, request) -> read(request.uri(),
            callers.meshClientFor(exchange),
            mesh -> StructuredJson.object(mesh.mission(WorkmeshUri.missionId(request.uri()))))));
  }

  private static ReadResourceResult read(String uri, MeshClient mesh, Function<MeshClient, Object> reader) {
    Object content;
    try {
      content = reader.apply(mesh);
    } catch (WorkmeshUri.InvalidUriException e) {
      throw error(McpSchema.ErrorCodes.INVALID_PARAMS, e.getMessage(), uri);
    } catch (MeshApiException e) {
      if (e.status() == 404 || e.status() == 403) {
        throw error(RESOURCE_NOT_FOUND, "Resource not found: " + uri + " does not exist or this token may not"
            + " read it", uri);
      }
      log.debug("reading {}: mesh-api answered {}", uri, e.getMessage());
      throw error(McpSchema.ErrorCodes.INTERNAL_ERROR, "mesh-api refused to read " + uri + " (HTTP " + e.status()
          + "); try again shortly", uri);
    } catch (RestClientException e) {
      log.warn("reading {}: mesh-api is unreachable or answered oddly: {}", uri, e.getMessage());
      throw error(McpSchema.ErrorCodes.INTERNAL_ERROR, "The mesh is unreachable right now; try again shortly", uri);
    }
    return new ReadResourceResult(List.of(new TextResourceContents(uri, JSON, StructuredJson.write(content))));
  }

  private static McpError error(int code, String message, String uri) {
    return McpError.builder(code).message(message).data(Map.of("uri", uri)).build();
  }
}
