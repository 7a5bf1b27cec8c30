-- The pending dependents of a task are looked up by the index of tasks with dependencies, whatever their
-- status. mesh-api's connections keep the plan they made at a statement's first use, mostly while few
-- tasks are pending, so the lookup names the pending status as a parameter: with a literal, the plan
-- scanned a partial index of the pending tasks it believed nearly empty and read every pending task at each
-- completion. A parameter never implies a partial index's predicate, so this index no longer has one on
-- the status; it keeps the tasks without dependencies (most) out.

DROP INDEX task_depends_on;
CREATE INDEX task_depends_on ON task USING gin (depends_on) WHERE depends_on <> '{}';
