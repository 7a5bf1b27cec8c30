package dev.workmesh.mcp.resources;

import dev.workmesh.client.MeshApiException;
import dev.workmesh.client.MeshClient;
import dev.workmesh.mcp.tools.TaskEnds;
import io.modelcontextprotocol.server.McpSyncServer;
import io.modelcontextprotocol.spec.McpSchema.ResourcesUpdatedNotification;
import java.time.Clock;
import java.time.Duration;
import java.util.Set;
import java.util.UUID;
import java.util.concurrent.ConcurrentHashMap;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.web.client.RestClientException;

/**
 * Makes {@code resources/subscribe} on a task mean something: the SDK keeps who subscribed to which URI but
 * knows nothing of the mesh, so for every subscription to {@code workmesh://tasks/{id}} a virtual thread
 * follows the task as the subscriber (its token must be able to read it) until it ends, and then sends
 * {@code notifications/resources/updated} to the sessions subscribed to it. A task that has already ended
 * is announced at once. One follower per task and token; a follower gives up after {@link #MAX_FOLLOW}.
 *
 * <p>The transports tell this class about a subscription as the message passes them, before the SDK
 * records it; the first read waits {@link #SETTLE} so that the SDK has recorded it by the time a task that
 * had already ended is announced.
 */
public final class TaskSubscriptions {

  private static final Logger log = LoggerFactory.getLogger(TaskSubscriptions.class);
  static final Duration SETTLE = Duration.ofMillis(300);
  static final Duration MAX_FOLLOW = Duration.ofHours(24);

  private final TaskEnds taskEnds = new TaskEnds(Clock.systemUTC());
  private final Set<String> following = ConcurrentHashMap.newKeySet();
  private volatile McpSyncServer server;

  /** The server whose subscribers hear the notifications; set once it is built. */
  public void notifyThrough(McpSyncServer server) {
    this.server = server;
  }

  /**
   * A client subscribed to {@code uri}.
   *
   * @param callerKey what tells callers apart (one follower per task and caller), never the token itself
   */
  public void subscribed(String uri, MeshClient caller, String callerKey) {
    UUID taskId = WorkmeshUri.taskIdOrNull(uri);
    if (taskId == null || !following.add(callerKey + " " + taskId)) {
      return;
    }
    Thread.ofVirtual().name("follow-task-" + taskId).start(() -> {
      try {
        Thread.sleep(SETTLE);
        if (TaskEnds.ended(taskEnds.await(caller, taskId, MAX_FOLLOW))) {
          McpSyncServer target = server;
          if (target != null) {
            target.notifyResourcesUpdated(new ResourcesUpdatedNotification(uri));
          }
        }
      } catch (MeshApiException e) {
        log.debug("not following {}: mesh-api answered {}", uri, e.status());
      } catch (RestClientException e) {
        log.warn("stopped following {}: mesh-api is unreachable or answered oddly: {}", uri, e.getMessage());
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
      } finally {
        following.remove(callerKey + " " + taskId);
      }
    });
  }
}
