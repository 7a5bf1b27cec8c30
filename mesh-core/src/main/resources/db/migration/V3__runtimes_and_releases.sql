-- Claims match runtimes in SQL, and a released attempt says so.
--
-- accepted_runtimes: the runtimes any one of which can run the task, in the order a worker picks them
-- (task-worker's RuntimeChoice): its runtime hint; 'exec' when its input has argv; 'bash' when its input
-- has command; else it is a prompt, which only an agent CLI runs. An agent that lists no runtimes (a model
-- connected over MCP) does the work itself and matches any task.
ALTER TABLE task ADD COLUMN accepted_runtimes text[] GENERATED ALWAYS AS (
    CASE
        WHEN runtime IS NOT NULL THEN ARRAY[runtime]
        WHEN jsonb_typeof(input -> 'argv') = 'array' THEN ARRAY['exec']
        WHEN jsonb_typeof(input -> 'command') = 'string' THEN ARRAY['bash']
        ELSE ARRAY['claude_code', 'codex', 'gemini', 'goose']
    END) STORED;

-- An attempt its agent gave back ends 'released', with the agent's reason in error; it is not counted
-- against max_attempts.
ALTER TABLE attempt DROP CONSTRAINT attempt_outcome_check;
ALTER TABLE attempt ADD CONSTRAINT attempt_outcome_check
    CHECK (outcome IN ('succeeded', 'failed', 'timed_out', 'cancelled', 'lost', 'released'));
