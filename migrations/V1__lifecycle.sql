-- The job lifecycle: jobs, their events and logs, workers and their bootstrap tokens.

CREATE TABLE jobs (
    id                 uuid PRIMARY KEY,
    idempotency_key    text UNIQUE,
    name               text,
    -- The submitted hodei.v1.JobSpec, exactly as accepted.
    spec               bytea       NOT NULL,
    state              text        NOT NULL CHECK (state IN ('PENDING', 'ASSIGNED', 'PROVISIONING', 'RUNNING',
                                                             'SUCCEEDED', 'FAILED', 'CANCELLED', 'TIMED_OUT')),
    provider           text        NOT NULL,
    priority           int         NOT NULL DEFAULT 0,
    labels             jsonb       NOT NULL DEFAULT '{}',
    attempt            int         NOT NULL DEFAULT 0,
    max_attempts       int         NOT NULL,
    not_before         timestamptz NOT NULL DEFAULT now(),
    run_timeout_s      bigint      NOT NULL,
    worker_id          uuid,
    exit_code          int,
    signal             int         NOT NULL DEFAULT 0,
    failure_reason     text,
    cancel_requested   boolean     NOT NULL DEFAULT false,
    log_seq            bigint      NOT NULL DEFAULT 0,
    log_bytes          bigint      NOT NULL DEFAULT 0,
    created_at         timestamptz NOT NULL DEFAULT now(),
    updated_at         timestamptz NOT NULL DEFAULT now(),
    started_at         timestamptz,
    finished_at        timestamptz
);

CREATE INDEX jobs_claimable ON jobs (priority DESC, created_at) WHERE state = 'PENDING';
CREATE INDEX jobs_state_created ON jobs (state, created_at DESC);
CREATE INDEX jobs_created ON jobs (created_at DESC, id DESC);
CREATE INDEX jobs_labels ON jobs USING gin (labels);

-- Every state change, with why.
CREATE TABLE job_events (
    id         bigserial PRIMARY KEY,
    job_id     uuid        NOT NULL REFERENCES jobs (id) ON DELETE CASCADE,
    from_state text,
    to_state   text        NOT NULL,
    attempt    int         NOT NULL,
    reason     text,
    at         timestamptz NOT NULL DEFAULT clock_timestamp()
);
CREATE INDEX job_events_job ON job_events (job_id, id);

-- Output chunks; seq is gapless per job and assigned by the server.
CREATE TABLE job_logs (
    job_id  uuid        NOT NULL REFERENCES jobs (id) ON DELETE CASCADE,
    seq     bigint      NOT NULL,
    attempt int         NOT NULL,
    stream  smallint    NOT NULL, -- 1 stdout, 2 stderr
    data    bytea       NOT NULL,
    at      timestamptz NOT NULL DEFAULT now(),
    PRIMARY KEY (job_id, seq)
);

CREATE TABLE workers (
    id                   uuid PRIMARY KEY,
    provider             text        NOT NULL,
    -- PID, container ID or pod name: recorded at provisioning, never taken from the agent.
    provider_resource_id text,
    state                text        NOT NULL CHECK (state IN ('PROVISIONING', 'READY', 'BUSY', 'TERMINATED')),
    mode                 text        NOT NULL DEFAULT 'ephemeral',
    job_id               uuid REFERENCES jobs (id),
    job_attempt          int,
    session_token_hash   text,
    created_at           timestamptz NOT NULL DEFAULT now(),
    provisioned_at       timestamptz,
    registered_at        timestamptz,
    last_heartbeat_at    timestamptz,
    terminated_at        timestamptz,
    destroyed_at         timestamptz,
    destroy_reason       text,
    last_error           text
);
CREATE INDEX workers_live ON workers (state) WHERE destroyed_at IS NULL;

CREATE TABLE worker_bootstrap_tokens (
    token_hash           text PRIMARY KEY, -- SHA-256, hex; the token itself is never stored
    worker_id            uuid        NOT NULL REFERENCES workers (id),
    job_id               uuid        NOT NULL REFERENCES jobs (id),
    provider_resource_id text,
    created_at           timestamptz NOT NULL DEFAULT now(),
    expires_at           timestamptz NOT NULL,
    consumed_at          timestamptz
);
CREATE INDEX worker_bootstrap_tokens_worker ON worker_bootstrap_tokens (worker_id);

-- Refused registrations and other security-relevant facts.
CREATE TABLE auth_events (
    id        bigserial PRIMARY KEY,
    worker_id uuid,
    kind      text        NOT NULL,
    detail    text,
    at        timestamptz NOT NULL DEFAULT now()
);

-- Which control plane made a provider resource (label hodei.instance): one id per database,
-- stable across restarts, so the GC of one installation never touches another's workers.
CREATE TABLE control_plane (
    id          int PRIMARY KEY CHECK (id = 1),
    instance_id uuid NOT NULL DEFAULT gen_random_uuid()
);
INSERT INTO control_plane (id) VALUES (1);
