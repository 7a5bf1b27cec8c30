package dev.workmesh.devstack;

import dev.workmesh.testsupport.embedded.BindAddress;
import java.nio.file.Path;

/**
 * Options of {@code ./mesh dev}, as {@link DevCommand} reads them from its command line and environment.
 *
 * @param dataDir where state lives (default ~/.workmesh/dev; env MESH_DEV_DIR)
 * @param fresh wipe the data dir before starting
 * @param apiPort mesh-api (default 8080; env MESH_API_PORT)
 * @param mcpPort mcp-server over Streamable HTTP (default 8082; env MESH_MCP_PORT)
 * @param workerPort the worker's actuator (default 8081)
 * @param schedulerPort scheduler-service (default 8083)
 * @param watchdogPort watchdog-service (default 8084)
 * @param postgresPort embedded PostgreSQL (default 15432; env MESH_PG_PORT)
 * @param kafkaPort embedded Kafka (default 19092; env MESH_KAFKA_PORT)
 * @param bind the address every port listens on (default 127.0.0.1, loopback only; env MESH_BIND)
 */
public record DevOptions(Path dataDir, boolean fresh, int apiPort, int mcpPort, int workerPort, int schedulerPort,
    int watchdogPort, int postgresPort, int kafkaPort, BindAddress bind) {
}
