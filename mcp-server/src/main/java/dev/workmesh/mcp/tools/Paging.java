package dev.workmesh.mcp.tools;

import dev.workmesh.client.model.Page;
import io.modelcontextprotocol.spec.McpSchema.CallToolResult;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.function.Function;

/** Cursor paging as the list tools offer it: the arguments, the output schema, and the answer. */
final class Paging {

  /** The {@code cursor} and {@code limit} input properties. */
  static final String ARGUMENTS = """
      "cursor": {"type": "string", "maxLength": 100, "description": "next_cursor of the previous page."},
      "limit": {"type": "integer", "minimum": 1, "maximum": 500, "default": 50}""";
  private static final int DEFAULT_LIMIT = 50;

  private Paging() {}

  /** The output schema: the page's items under {@code itemsName}, and {@code next_cursor} while there are more. */
  static String output(String itemsName, String itemSchema) {
    return """
        {"type": "object",
         "properties": {
           "%s": {"type": "array", "items": %s},
           "next_cursor": {"type": "string", "description": "Absent on the last page."}
         },
         "required": ["%s"]}""".formatted(itemsName, itemSchema, itemsName);
  }

  static int limit(ToolArguments a) {
    return a.integer("limit") == null ? DEFAULT_LIMIT : a.integer("limit");
  }

  /** The page as the output schema says, after a summary that tells how to get the next page. */
  static <T> CallToolResult answer(String summary, String itemsName, Page<T> page, Function<T, Object> view) {
    Map<String, Object> out = new LinkedHashMap<>();
    out.put(itemsName, page.items().stream().map(view).toList());
    if (page.nextCursor() != null) {
      out.put("next_cursor", page.nextCursor());
    }
    return ToolResults.ok(summary + (page.nextCursor() == null ? "." : "; more: pass next_cursor as cursor."), out);
  }
}
