/**
 * Agent health from heartbeats: {@code connected -> unhealthy -> disconnected}, leader only. The way back to
 * {@code connected} is the agent's own heartbeat (mesh-core's {@code AgentStore.heartbeat}).
 */
package dev.workmesh.watchdog.health;
