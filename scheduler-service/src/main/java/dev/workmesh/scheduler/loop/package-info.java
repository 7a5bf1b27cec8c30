/** {@link dev.workmesh.scheduler.loop.BackgroundLoop}: the jittered, never-dying ticker of the every-replica loops. */
package dev.workmesh.scheduler.loop;
