/**
 * Firing: turning due instants into tasks, exactly once per job and instant.
 *
 * <ul>
 *   <li>{@link dev.workmesh.scheduler.fire.ScheduleTicker}: each tick, plans every enabled, unpaused
 *       job and fires what is due (on every replica).
 *   <li>{@link dev.workmesh.scheduler.fire.JobFirer}: one fire in one transaction, the fire record
 *       and the task together; manual fires ("trigger now").
 *   <li>{@link dev.workmesh.scheduler.fire.FireLedger}: the SQL of {@code schedule_fire}, whose
 *       primary key is the exactly-once guarantee.
 * </ul>
 */
package dev.workmesh.scheduler.fire;
