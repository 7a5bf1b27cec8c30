/**
 * Rescue of claims nobody works on: lapsed leases, claims of disconnected or revoked agents, and broadcast
 * targets whose agent left before claiming. Leader only.
 */
package dev.workmesh.watchdog.rescue;
