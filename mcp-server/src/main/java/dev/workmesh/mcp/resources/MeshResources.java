package dev.workmesh.mcp.resources;

import dev.workmesh.client.MeshApiException;
import dev.workmesh.client.MeshClient;
import dev.workmesh.client.model.Page;
import dev.workmesh.client.model.MissionView;
import dev.workmesh.mcp.tools.MeshCallerResolver;
import dev.workmesh.mcp.tools.StructuredJson;
import io.modelcontextprotocol.server.McpServerFeatures.SyncResourceSpecification;
import io.modelcontextprotocol.server.McpServerFeatures.SyncResourceTemplateSpecification;
import io.modelcontextprotocol.server.McpSyncServerExchange;
import io.modelcontextprotocol.spec.McpError;
import io.modelcontextprotocol.spec.McpSchema;
import io.modelcontextprotocol.spec.McpSchema.ReadResourceRequest;
import io.modelcontextprotocol.spec.McpSchema.ReadResourceResult;
import io.modelcontextprotocol.spec.McpSchema.Resource;
import io.modelcontextprotocol.spec.McpSchema.ResourceTemplate;
import io.modelcontextprotocol.spec.McpSchema.TextResourceContents;
import java.util.List;
import java.util.Map;
import java.util.function.BiFunction;
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
    return List.of(new SyncResourceSpecification(missions, reader(callers, (mesh, uri) -> {
      Page<MissionView> page = mesh.missions(null, 100);
      return Map.of("missions", page.items().stream().map(StructuredJson::object).toList());
    })));
  }

  public static List<SyncResourceTemplateSpecification> templates(MeshCallerResolver callers) {
    return List.of(
        new SyncResourceTemplateSpecification(template(WorkmeshUri.TASK_TEMPLATE, "task", "A mesh task",
            "One task in full: status, result or error, and its attempts. Subscribe to hear when it ends."),
            reader(callers, (mesh, uri) -> StructuredJson.object(mesh.task(WorkmeshUri.taskId(uri))))),
        new SyncResourceTemplateSpecification(template(WorkmeshUri.MISSION_TEMPLATE, "mission", "A mission",
            "One mission with its task counts by status, budget and spending."),
            reader(callers, (mesh, uri) -> StructuredJson.object(mesh.mission(WorkmeshUri.missionId(uri))))));
  }

  private static ResourceTemplate template(String uriTemplate, String name, String title, String description) {
    return ResourceTemplate.builder(uriTemplate, name).title(title).description(description).mimeType(JSON).build();
  }

  /** Reads a resource as the caller: {@code content} gets the caller's client and the requested URI. */
  private static BiFunction<McpSyncServerExchange, ReadResourceRequest, ReadResourceResult> reader(
      MeshCallerResolver callers, BiFunction<MeshClient, String, Object> content) {
    return (exchange, request) -> read(request.uri(), callers.meshClientFor(exchange),
        mesh -> content.apply(mesh, request.uri()));
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
