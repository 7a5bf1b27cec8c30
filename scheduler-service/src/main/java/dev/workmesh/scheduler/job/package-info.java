/**
 * Scheduled jobs: the {@code cron.toml} file model, schedules and misfire handling. Pure Java: no
 * database, no broker, no clock. Fire records, leader election and submission live elsewhere.
 *
 * <h2>The job file</h2>
 *
 * <pre>{@code
 * default_time_zone = "Europe/Paris"   # optional; else the loader's configured zone, else UTC
 *
 * [[job]]
 * name = "nightly-report"              # required, unique, [a-z0-9][a-z0-9._-]{0,63}
 * schedule = "30 6 * * 1-5"            # 5-field cron (or a macro such as "@daily") ...
 * # interval = "2h30m"                 # ... or a fixed interval (1s to 366d): exactly one
 * time_zone = "America/New_York"       # optional IANA zone id
 * mission = "ops"                      # required: the mission the task goes into
 * enabled = true                       # default true
 * misfire = "fire_once"                # "skip" (default) | "fire_once"
 *
 * [job.task]                           # required: the task submitted on each fire
 * title = "Nightly report"             # required
 * description = "Write the report"     # the prompt
 * claim_policy = "first_claim"         # first_claim (default) | assigned | broadcast
 * assigned_agent = "0192f5e4-7b3a-7c1d-9e2f-3a4b5c6d7e8f"  # the agent's id (a UUID); required
 *                                      # with, and only with, claim_policy = "assigned"
 * pool = "default"                     # default "default"
 * required_capabilities = ["git"]      # default []
 * priority = 0                         # integer, default 0
 * runtime = "bash"                     # "bash" needs input.command, "exec" needs input.argv
 * input = { command = "echo hi" }      # any table, becomes a JSON object; default {}
 * max_attempts = 3                     # 1..100, default 3
 * timeout = "30m"                      # duration, 1s to 7d; default: the mesh's
 * }</pre>
 *
 * <p>Durations ({@code interval}, {@code timeout}) are {@code "30s"}, {@code "30m"}, {@code "2h"},
 * {@code "1d"} or compounds such as {@code "2h30m"} and {@code "1d12h"} (units largest first, each
 * once, {@code 1d} = 24 h), or ISO-8601 such as {@code "PT30M"}; see {@link
 * dev.workmesh.scheduler.job.DurationText}. Any other key, at any level, is a problem, reported with
 * the nearest known key. Intervals are anchored at the Unix epoch ({@link
 * dev.workmesh.scheduler.job.IntervalSchedule}); daylight-saving behaviour of cron schedules is
 * documented on {@link dev.workmesh.scheduler.job.CronSchedule}; misfire handling on {@link
 * dev.workmesh.scheduler.job.DueFirePlanner}.
 *
 * <h2>Entry points</h2>
 *
 * <ul>
 *   <li>{@link dev.workmesh.scheduler.job.JobFileLoader#load(java.nio.file.Path)}: file to {@link
 *       dev.workmesh.scheduler.job.JobFile} (valid jobs plus problems).
 *   <li>{@link dev.workmesh.scheduler.job.JobSetDiff#between}: what a reload changed.
 *   <li>{@link dev.workmesh.scheduler.job.DueFirePlanner#plan}: the instants to fire now.
 * </ul>
 */
@NullMarked
package dev.workmesh.scheduler.job;

import org.jspecify.annotations.NullMarked;
