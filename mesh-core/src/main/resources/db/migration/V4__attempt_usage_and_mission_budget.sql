-- What each attempt's agent consumed, as its CLI reported it with the report that ended the attempt
-- (all null when it reported nothing).
ALTER TABLE attempt
    ADD COLUMN usage_model   text,
    ADD COLUMN input_tokens  bigint  CHECK (input_tokens >= 0),
    ADD COLUMN output_tokens bigint  CHECK (output_tokens >= 0),
    ADD COLUMN cost_usd      numeric CHECK (cost_usd >= 0);

-- A mission's optional budget and what its attempts have spent. The spent sums grow in the transaction
-- of each report that carries usage, so a claim reads one flag of one row instead of summing attempts.
-- A token budget counts input plus output tokens.
ALTER TABLE mission
    ADD COLUMN budget_tokens       bigint  CHECK (budget_tokens >= 0),
    ADD COLUMN budget_cost_usd     numeric CHECK (budget_cost_usd >= 0),
    ADD COLUMN spent_input_tokens  bigint  NOT NULL DEFAULT 0,
    ADD COLUMN spent_output_tokens bigint  NOT NULL DEFAULT 0,
    ADD COLUMN spent_cost_usd      numeric NOT NULL DEFAULT 0,
    ADD COLUMN budget_exhausted    boolean GENERATED ALWAYS AS (
        (budget_tokens IS NOT NULL AND spent_input_tokens + spent_output_tokens >= budget_tokens)
        OR (budget_cost_usd IS NOT NULL AND spent_cost_usd >= budget_cost_usd)) STORED;
