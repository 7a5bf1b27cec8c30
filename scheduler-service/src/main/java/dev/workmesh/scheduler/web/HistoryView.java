package dev.workmesh.scheduler.web;

import java.util.List;

/** {@code GET /schedules/{name}/history}: recent fires, newest first. */
public record HistoryView(String job, List<FireView> fires) {}
