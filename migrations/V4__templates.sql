-- Reusable jobs: templates with immutable versions, their runs (jobs), and cron schedules.

CREATE TABLE templates (
    id               uuid PRIMARY KEY,
    name             text        NOT NULL UNIQUE,
    status           text        NOT NULL CHECK (status IN ('ACTIVE', 'DISABLED', 'ARCHIVED')),
    labels           jsonb       NOT NULL DEFAULT '{}',
    latest_version   int         NOT NULL,
    -- Run numbers are handed out under this row's lock, so they are gapless per template.
    last_run_number  bigint      NOT NULL DEFAULT 0,
    created_at       timestamptz NOT NULL DEFAULT now(),
    updated_at       timestamptz NOT NULL DEFAULT now()
);
CREATE INDEX templates_labels ON templates USING gin (labels);

-- Never updated: an update of a template inserts its next version.
CREATE TABLE template_versions (
    template_id uuid        NOT NULL REFERENCES templates (id) ON DELETE CASCADE,
    version     int         NOT NULL,
    -- hodei.v1.TemplateDefinition as accepted (secret parameters have no default, so no secret here).
    definition  bytea       NOT NULL,
    created_at  timestamptz NOT NULL DEFAULT now(),
    PRIMARY KEY (template_id, version)
);

-- A run is a job. Deleting a template keeps its runs' history (template_name stays).
ALTER TABLE jobs
    ADD COLUMN template_id       uuid REFERENCES templates (id) ON DELETE SET NULL,
    ADD COLUMN template_name     text,
    ADD COLUMN template_version  int,
    ADD COLUMN run_number        bigint,
    ADD COLUMN run_trigger       text CHECK (run_trigger IN ('MANUAL', 'API', 'SCHEDULE', 'RETRY')),
    ADD COLUMN triggered_by      text,
    ADD COLUMN schedule_id       uuid,
    ADD COLUMN scheduled_fire_at timestamptz,
    -- The run's parameters with secret values replaced by "***".
    ADD COLUMN parameters        jsonb,
    -- Secret parameters (name -> value) encrypted with AES-GCM; merged into the env at dispatch only.
    ADD COLUMN secret_env        bytea;
CREATE UNIQUE INDEX jobs_template_run ON jobs (template_id, run_number) WHERE template_id IS NOT NULL;
CREATE INDEX jobs_schedule ON jobs (schedule_id, scheduled_fire_at DESC) WHERE schedule_id IS NOT NULL;

CREATE TABLE schedules (
    id                   uuid PRIMARY KEY,
    name                 text        NOT NULL UNIQUE,
    template_id          uuid        NOT NULL REFERENCES templates (id) ON DELETE CASCADE,
    cron                 text        NOT NULL,
    time_zone            text        NOT NULL,
    parameters           jsonb       NOT NULL DEFAULT '{}',
    -- Secret parameters, encrypted like jobs.secret_env.
    secret_parameters    bytea,
    enabled              boolean     NOT NULL DEFAULT true,
    misfire_policy       text        NOT NULL CHECK (misfire_policy IN ('fire-once', 'skip')),
    pause_after_failures int         NOT NULL DEFAULT 0,
    consecutive_failures int         NOT NULL DEFAULT 0,
    status_reason        text,
    -- Latest fire time handled (run created, deduplicated or skipped): the start of a misfire gap.
    last_fire_at         timestamptz NOT NULL DEFAULT now(),
    created_at           timestamptz NOT NULL DEFAULT now(),
    updated_at           timestamptz NOT NULL DEFAULT now()
);
