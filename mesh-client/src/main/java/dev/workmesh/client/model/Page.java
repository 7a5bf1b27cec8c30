package dev.workmesh.client.model;

import java.util.List;
import java.util.Objects;
import java.util.function.Function;
import java.util.stream.Stream;

/** A page of a list; pass {@code next_cursor} as {@code cursor} for the next page (null at the end). */
public record Page<T>(List<T> items, String nextCursor) {

  /**
   * Every item of a list, page after page: {@code fetch} gets the cursor (null for the first page). Pages
   * after the first are fetched only as the stream reaches them, so a search that stops early stops fetching.
   */
  public static <T> Stream<T> all(Function<String, Page<T>> fetch) {
    return Stream.iterate(fetch.apply(null), Objects::nonNull,
            page -> page.nextCursor() == null ? null : fetch.apply(page.nextCursor()))
        .flatMap(page -> page.items().stream());
  }
}
