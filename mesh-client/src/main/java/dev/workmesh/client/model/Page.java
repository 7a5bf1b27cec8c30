package dev.workmesh.client.model;

import java.util.List;

/** A page of a list; pass {@code next_cursor} as {@code cursor} for the next page (null at the end). */
public record Page<T>(List<T> items, String nextCursor) {}
