-- Several control planes on one database.
-- replicas: each control plane registers at start and heartbeats; one whose heartbeat is older
-- than hodei.replicas.dead-after is dead (noticed_dead_at: when a live replica noticed, once).
CREATE TABLE replicas (
    id              uuid PRIMARY KEY,
    name            text        NOT NULL,
    grpc_address    text        NOT NULL,
    started_at      timestamptz NOT NULL DEFAULT now(),
    heartbeat_at    timestamptz NOT NULL DEFAULT now(),
    stopped_at      timestamptz,
    noticed_dead_at timestamptz
);
CREATE INDEX replicas_live ON replicas (heartbeat_at) WHERE stopped_at IS NULL AND noticed_dead_at IS NULL;

-- The replica that claimed the job's current attempt: a dead replica's claims that never reached
-- a provider are released (ASSIGNED → PENDING, the attempt not counted).
ALTER TABLE jobs ADD COLUMN claimed_by uuid;
CREATE INDEX jobs_claimed_by ON jobs (claimed_by) WHERE state = 'ASSIGNED';

-- The replica that holds the worker's agent stream (NULL: connected nowhere).
ALTER TABLE workers ADD COLUMN replica_id uuid;
CREATE INDEX workers_on_replica ON workers (replica_id) WHERE replica_id IS NOT NULL;

-- Commands for an agent (a cancel), whichever replica received the request: kept until the
-- worker ends, delivered by the replica holding its stream (woken by NOTIFY hodei_agent_commands
-- with the worker id) and again after every reconnect; agents apply a command once.
CREATE TABLE agent_commands (
    id           bigserial PRIMARY KEY,
    worker_id    uuid        NOT NULL REFERENCES workers (id) ON DELETE CASCADE,
    job_id       uuid        NOT NULL,
    attempt      int         NOT NULL,
    kind         text        NOT NULL CHECK (kind IN ('cancel')),
    reason       text        NOT NULL,
    created_at   timestamptz NOT NULL DEFAULT now(),
    delivered_at timestamptz
);
CREATE INDEX agent_commands_of_worker ON agent_commands (worker_id);
