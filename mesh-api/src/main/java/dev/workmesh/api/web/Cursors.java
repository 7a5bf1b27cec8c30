package dev.workmesh.api.web;

import dev.workmesh.core.ValidationException;
import java.util.UUID;

/** Cursor paging: the cursor is the id of the last item of the previous page. */
public final class Cursors {

  public static final int DEFAULT_LIMIT = 50;
  public static final int MAX_LIMIT = 500;

  private Cursors() {}

  public static UUID parse(String cursor) {
    if (cursor == null || cursor.isBlank()) {
      return null;
    }
    try {
      return UUID.fromString(cursor);
    } catch (IllegalArgumentException e) {
      throw ValidationException.of("cursor", "must be the next_cursor of a previous page");
    }
  }

  public static int limit(Integer limit) {
    if (limit == null) {
      return DEFAULT_LIMIT;
    }
    if (limit < 1 || limit > MAX_LIMIT) {
      throw ValidationException.of("limit", "must be between 1 and " + MAX_LIMIT);
    }
    return limit;
  }
}
