package dev.workmesh.core.agent;

import java.util.List;
import java.util.Map;

/** An enrolment request. Pools default to ["default"], max_concurrency to 1. */
public record NewAgent(
    String name,
    List<String> pools,
    List<String> capabilities,
    List<String> runtimes,
    Integer maxConcurrency,
    Map<String, String> labels) {}
