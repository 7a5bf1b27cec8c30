/**
 * How the worker reaches the mesh: {@link dev.workmesh.client.MeshClient} behind a retry and a
 * circuit breaker. The worker never sees the database.
 */
package dev.workmesh.worker.mesh;
