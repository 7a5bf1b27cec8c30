/** The watchdog's settings ({@code watchdog-service.*}) and wiring: mesh-core, the leader-only loop, the gauges. */
package dev.workmesh.watchdog.config;
