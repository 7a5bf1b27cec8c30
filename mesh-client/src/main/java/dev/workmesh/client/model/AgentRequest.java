package dev.workmesh.client.model;

import java.util.List;
import java.util.Map;

/** {@code POST /work/agents}: enrol an agent. Pools default to ["default"], max_concurrency to 1. */
public record AgentRequest(String name, List<String> pools, List<String> capabilities, List<String> runtimes,
    Integer maxConcurrency, Map<String, String> labels) {}
