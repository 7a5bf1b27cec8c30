package dev.workmesh.bench.report;

/**
 * Submit-to-claim latency at a fixed offered rate, in milliseconds.
 *
 * @param offeredPerSecond the submission schedule's rate
 * @param achievedPerSecond submissions actually made per second (below the offer when submits back up)
 * @param samples tasks measured
 * @param p50Ms from the moment the submit request was sent to the moment the claim was won
 * @param p90Ms see p50Ms
 * @param p99Ms see p50Ms
 * @param maxMs see p50Ms
 * @param scheduledP99Ms p99 measured from the submission's scheduled time instead of its send time: the
 *     two differ when submits fell behind the schedule (coordinated omission)
 * @param scheduledMaxMs max measured from the scheduled time
 */
public record LatencySummary(
    double offeredPerSecond,
    double achievedPerSecond,
    long samples,
    double p50Ms,
    double p90Ms,
    double p99Ms,
    double maxMs,
    double scheduledP99Ms,
    double scheduledMaxMs) {}
