-- Workmesh schema: missions, tasks, attempts, agents, the outbox, and what the scheduler and
-- watchdog need (fire records, leader leases). All timestamps are written by the application's
-- clock, never by now(), so that tests can move time.

CREATE TABLE mission (
    id          uuid        PRIMARY KEY,
    name        text        NOT NULL UNIQUE,
    description text        NOT NULL DEFAULT '',
    created_at  timestamptz NOT NULL
);

CREATE TABLE agent (
    id                uuid        PRIMARY KEY,
    name              text        NOT NULL,
    pools             text[]      NOT NULL,
    capabilities      text[]      NOT NULL,
    runtimes          text[]      NOT NULL,
    max_concurrency   int         NOT NULL CHECK (max_concurrency > 0),
    labels            jsonb       NOT NULL DEFAULT '{}',
    status            text        NOT NULL CHECK (status IN ('connected', 'unhealthy', 'disconnected', 'revoked')),
    token_hash        bytea       NOT NULL UNIQUE,
    enrolled_at       timestamptz NOT NULL,
    last_heartbeat_at timestamptz NOT NULL,
    status_changed_at timestamptz NOT NULL
);
CREATE INDEX agent_by_status ON agent (status);

CREATE TABLE task (
    id                    uuid        PRIMARY KEY,            -- UUIDv7: time-ordered
    mission_id            uuid        NOT NULL REFERENCES mission (id),
    title                 text        NOT NULL,
    description           text        NOT NULL DEFAULT '',
    claim_policy          text        NOT NULL CHECK (claim_policy IN ('first_claim', 'assigned', 'broadcast')),
    assigned_agent        uuid,
    pool                  text        NOT NULL,
    required_capabilities text[]      NOT NULL,
    priority              int         NOT NULL,
    runtime               text,
    input                 jsonb       NOT NULL DEFAULT '{}',
    max_attempts          int         NOT NULL CHECK (max_attempts > 0),
    attempt_limit         int         NOT NULL,               -- grows by max_attempts on a manual retry
    timeout_ms            bigint,
    not_before            timestamptz,
    depends_on            uuid[]      NOT NULL DEFAULT '{}',
    parent_task_id        uuid,
    idempotency_key       text,
    status                text        NOT NULL CHECK (status IN ('pending', 'ready', 'claimed', 'running',
                                                                 'succeeded', 'failed', 'cancelled')),
    attempt               int         NOT NULL DEFAULT 0,     -- attempts started (broadcast: across targets)
    available_at          timestamptz NOT NULL,               -- pending: when time no longer holds it back
    cancel_requested      boolean     NOT NULL DEFAULT false,
    result                jsonb,
    error                 text,
    submitted_by          text        NOT NULL,
    created_at            timestamptz NOT NULL,
    ready_at              timestamptz,
    dispatched_at         timestamptz,
    finished_at           timestamptz,
    updated_at            timestamptz NOT NULL,
    CONSTRAINT assigned_needs_agent CHECK (claim_policy <> 'assigned' OR assigned_agent IS NOT NULL)
);
-- Invariant 6: one task per idempotency key and mission.
CREATE UNIQUE INDEX task_idempotency ON task (mission_id, idempotency_key) WHERE idempotency_key IS NOT NULL;
-- The claim: ready tasks of a pool, best priority first, then oldest. An index scan, never a table scan.
CREATE INDEX task_claim_order ON task (pool, priority DESC, ready_at, id) WHERE status = 'ready' AND claim_policy <> 'broadcast';
CREATE INDEX task_assigned_ready ON task (assigned_agent, priority DESC, ready_at) WHERE status = 'ready' AND claim_policy = 'assigned';
-- Promotion of pending tasks whose time has come; dependents of a finished task.
CREATE INDEX task_pending_due ON task (available_at) WHERE status = 'pending';
CREATE INDEX task_depends_on ON task USING gin (depends_on) WHERE status = 'pending';
-- Re-dispatch of ready tasks nobody took.
CREATE INDEX task_ready_dispatched ON task (dispatched_at) WHERE status = 'ready';
CREATE INDEX task_by_mission ON task (mission_id, id);
CREATE INDEX task_by_mission_status ON task (mission_id, status, id);

-- Broadcast: the targets are fixed when the task becomes ready; each gets its own attempts.
CREATE TABLE broadcast_target (
    task_id      uuid        NOT NULL REFERENCES task (id),
    agent_id     uuid        NOT NULL REFERENCES agent (id),
    status       text        NOT NULL CHECK (status IN ('ready', 'pending', 'claimed', 'running',
                                                        'succeeded', 'failed', 'cancelled')),
    attempts     int         NOT NULL DEFAULT 0,
    available_at timestamptz NOT NULL,
    result       jsonb,
    error        text,
    PRIMARY KEY (task_id, agent_id)
);
CREATE INDEX broadcast_target_claimable ON broadcast_target (agent_id, available_at) WHERE status IN ('ready', 'pending');

CREATE TABLE attempt (
    id               uuid        PRIMARY KEY,
    task_id          uuid        NOT NULL REFERENCES task (id),
    agent_id         uuid        NOT NULL REFERENCES agent (id),
    number           int         NOT NULL,
    broadcast        boolean     NOT NULL,
    claim_token_hash bytea       NOT NULL,                    -- the token itself is returned once, never stored
    lease_expires_at timestamptz NOT NULL,
    claimed_at       timestamptz NOT NULL,
    started_at       timestamptz,
    finished_at      timestamptz,
    outcome          text        CHECK (outcome IN ('succeeded', 'failed', 'timed_out', 'cancelled', 'lost')),
    exit_code        int,
    log_tail         text,
    result           jsonb,
    error            text
);
-- Invariant 1, enforced by the database: one live attempt per task (first_claim, assigned) ...
CREATE UNIQUE INDEX attempt_one_live_per_task ON attempt (task_id) WHERE outcome IS NULL AND NOT broadcast;
-- ... and one live attempt per task and agent (broadcast).
CREATE UNIQUE INDEX attempt_one_live_per_target ON attempt (task_id, agent_id) WHERE outcome IS NULL;
CREATE INDEX attempt_by_task ON attempt (task_id, number);
CREATE INDEX attempt_live_lease ON attempt (lease_expires_at) WHERE outcome IS NULL;
CREATE INDEX attempt_live_by_agent ON attempt (agent_id) WHERE outcome IS NULL;

-- Transactional outbox: written in the transaction of the change it describes.
CREATE TABLE outbox (
    id           bigserial   PRIMARY KEY,
    topic        text        NOT NULL,                        -- logical name, without the deployment prefix
    message_key  text        NOT NULL,
    payload      json        NOT NULL,                        -- json keeps the text exactly as written
    created_at   timestamptz NOT NULL,
    published_at timestamptz
);
CREATE INDEX outbox_unpublished ON outbox (id) WHERE published_at IS NULL;
CREATE INDEX outbox_published ON outbox (published_at) WHERE published_at IS NOT NULL;

-- Leader election for maintenance loops: one row per loop family.
CREATE TABLE leader_lease (
    name        text        PRIMARY KEY,
    holder      text        NOT NULL,
    expires_at  timestamptz NOT NULL,
    acquired_at timestamptz NOT NULL,
    renewed_at  timestamptz NOT NULL
);

-- Scheduler: one fire per (job, scheduled instant), across replicas and restarts.
CREATE TABLE schedule_fire (
    job_name     text        NOT NULL,
    scheduled_at timestamptz NOT NULL,
    fired_at     timestamptz NOT NULL,
    fired_by     text        NOT NULL,
    trigger      text        NOT NULL CHECK (trigger IN ('schedule', 'manual')),
    task_id      uuid,
    error        text,
    PRIMARY KEY (job_name, scheduled_at)
);
CREATE INDEX schedule_fire_by_time ON schedule_fire (fired_at);

CREATE TABLE schedule_state (
    job_name      text        PRIMARY KEY,
    paused        boolean     NOT NULL DEFAULT false,
    registered_at timestamptz NOT NULL,
    updated_at    timestamptz NOT NULL
);
