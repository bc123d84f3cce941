-- Who may call the API, who did what, and the audit of refused calls.

-- Bearer tokens: only their SHA-256 is kept.
CREATE TABLE api_tokens (
    id          uuid PRIMARY KEY,
    name        text        NOT NULL UNIQUE,
    token_hash  text        NOT NULL UNIQUE,
    role        text        NOT NULL CHECK (role IN ('VIEWER', 'SUBMITTER', 'OPERATOR', 'ADMIN')),
    -- '*' = every namespace
    namespaces  text[]      NOT NULL,
    created_by  text,
    created_at  timestamptz NOT NULL DEFAULT now(),
    expires_at  timestamptz,
    revoked_at  timestamptz
);

-- Refused client calls and token changes; agents' refused registrations stay in auth_events.
CREATE TABLE audit_log (
    id         bigserial PRIMARY KEY,
    at         timestamptz NOT NULL DEFAULT now(),
    principal  text,
    peer       text,
    rpc        text        NOT NULL,
    outcome    text        NOT NULL,
    reason     text
);

ALTER TABLE jobs
    ADD COLUMN namespace    text NOT NULL DEFAULT 'default',
    ADD COLUMN submitted_by text,
    ADD COLUMN cancelled_by text;
-- Idempotency keys belong to a namespace.
ALTER TABLE jobs DROP CONSTRAINT jobs_idempotency_key_key;
CREATE UNIQUE INDEX jobs_namespace_idempotency_key ON jobs (namespace, idempotency_key)
    WHERE idempotency_key IS NOT NULL;
CREATE INDEX jobs_namespace_created ON jobs (namespace, created_at DESC, id DESC);

ALTER TABLE job_events ADD COLUMN principal text;

ALTER TABLE templates
    ADD COLUMN namespace  text NOT NULL DEFAULT 'default',
    ADD COLUMN created_by text,
    ADD COLUMN updated_by text;

-- A schedule is in its template's namespace; its runs are submitted in its creator's name.
-- secrets_version: the template version its secret parameters were given for; they go to no other job.
ALTER TABLE schedules ADD COLUMN created_by text, ADD COLUMN secrets_version int;

-- Agents' refused registrations (auth_events) are part of the audit admins read.
CREATE FUNCTION auth_events_to_audit_log() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    INSERT INTO audit_log (at, principal, rpc, outcome, reason)
    VALUES (NEW.at, CASE WHEN NEW.worker_id IS NULL THEN NULL ELSE 'worker ' || NEW.worker_id END,
            'hodei.v1.WorkerAgentService/Connect', 'REFUSED', NEW.kind || ': ' || coalesce(NEW.detail, ''));
    RETURN NEW;
END $$;
CREATE TRIGGER auth_events_audit AFTER INSERT ON auth_events
    FOR EACH ROW EXECUTE FUNCTION auth_events_to_audit_log();
