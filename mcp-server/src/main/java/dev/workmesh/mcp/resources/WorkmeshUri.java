package dev.workmesh.mcp.resources;

import java.util.UUID;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/** The {@code workmesh://} URIs of tasks and missions. */
public final class WorkmeshUri {

  public static final String MISSIONS = "workmesh://missions";
  public static final String TASK_TEMPLATE = "workmesh://tasks/{id}";
  public static final String MISSION_TEMPLATE = "workmesh://missions/{id}";

  private static final Pattern TASK = Pattern.compile("workmesh://tasks/([^/?#]*)");
  private static final Pattern MISSION = Pattern.compile("workmesh://missions/([^/?#]*)");
  private static final Pattern UUID_TEXT =
      Pattern.compile("[0-9a-fA-F]{8}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{12}");

  private WorkmeshUri() {}

  public static String task(UUID id) {
    return "workmesh://tasks/" + id;
  }

  /** The task id of a task URI, or null when {@code uri} names no task. */
  public static UUID taskIdOrNull(String uri) {
    Matcher m = TASK.matcher(uri);
    return m.matches() && UUID_TEXT.matcher(m.group(1)).matches() ? UUID.fromString(m.group(1)) : null;
  }

  static UUID taskId(String uri) {
    return id(TASK, uri, "workmesh://tasks/{id}");
  }

  static UUID missionId(String uri) {
    return id(MISSION, uri, "workmesh://missions/{id}");
  }

  private static UUID id(Pattern pattern, String uri, String template) {
    Matcher m = pattern.matcher(uri);
    if (!m.matches() || !UUID_TEXT.matcher(m.group(1)).matches()) {
      throw new InvalidUriException("uri must be " + template + " with a UUID such as"
          + " 01890a5d-ac96-774b-bcce-b302099a8057, got '" + uri + "'");
    }
    return UUID.fromString(m.group(1));
  }

  /** A URI of the scheme that names nothing this server has. */
  static final class InvalidUriException extends RuntimeException {
    InvalidUriException(String message) {
      super(message);
    }
  }
}
